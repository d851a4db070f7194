package io.samsa.metadata;

/**
 * One change to the cluster metadata: the unit the controller writes, the metadata log stores and
 * {@link MetadataDelta} replays. ACL bindings and SCRAM credentials join this set with the security issue
 * (as new record types with their own type tags in {@link MetadataRecordCodec}).
 */
public sealed interface MetadataRecord permits TopicRecord, PartitionRecord, ConfigRecord, ProducerIdsRecord,
        BrokerRegistrationRecord, RemoveTopicRecord, FenceBrokerRecord, UnfenceBrokerRecord {
}
