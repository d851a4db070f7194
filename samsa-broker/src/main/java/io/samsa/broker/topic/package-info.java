/**
 * The broker side of the cluster metadata: {@link io.samsa.broker.topic.BrokerMetadata} opens the metadata log
 * under {@code <log.dirs>/__samsa_meta/metadata/} (importing the topic files and producer-id file of older
 * releases on first start), and {@link io.samsa.broker.topic.TopicRegistry} is the broker's view of the topics
 * in the current image — names, topic IDs, partition counts, per-topic config overrides — and the publisher that
 * maps them onto the partition logs of samsa-log, each of which carries its topic ID (partition.metadata). Every
 * limit is checked by the controller before a topic exists, a topic is visible only once all its logs are, and
 * a deleted topic's data never serves a later topic of the same name.
 */
package io.samsa.broker.topic;
