/**
 * The broker side of the cluster metadata: {@link io.samsa.broker.topic.BrokerMetadata} opens the metadata stack —
 * on a single node the local log under {@code <log.dirs>/__samsa_meta/metadata/} (importing the topic files and
 * producer-id file of older releases on first start) with this node's own controller; in a cluster any
 * {@code MetadataLog} (the quorum's) with a {@code ControllerApi} reaching the active controller — and registers
 * the broker. {@link io.samsa.broker.topic.TopicRegistry} is the broker's view of every topic in the current
 * image — names, topic IDs, partition counts, per-topic config overrides, assignments — and the publisher that
 * keeps the partition logs of samsa-log in line with it: a log only for each partition this node replicates,
 * each carrying its topic ID (partition.metadata), each running with its topic's current LogConfig (an altered
 * config reaches the open logs when the change is applied; {@link io.samsa.broker.topic.TopicConfigRules} are
 * Kafka's checks of topic configs, run by the controller). Every limit is checked by the controller before a topic exists,
 * a topic is visible only once all its local logs are, a write is answered only once this broker has applied it,
 * and a deleted topic's data never serves a later topic of the same name.
 */
package io.samsa.broker.topic;
