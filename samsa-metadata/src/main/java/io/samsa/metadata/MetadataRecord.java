package io.samsa.metadata;

/**
 * One change to the cluster metadata: the unit the controller writes, the metadata log stores and
 * {@link MetadataDelta} replays. Each type has its own type tag in {@link MetadataRecordCodec}.
 */
public sealed interface MetadataRecord permits TopicRecord, PartitionRecord, ConfigRecord, ProducerIdsRecord,
        BrokerRegistrationRecord, RemoveTopicRecord, FenceBrokerRecord, UnfenceBrokerRecord, ScramCredentialRecord,
        RemoveScramCredentialRecord, AclRecord, RemoveAclRecord, ClientQuotaRecord {
}
