/**
 * The client's view of the cluster: brokers, and per topic its id, partitions, leaders and their leader epochs
 * (which only move forward: a lagging broker's older answer is ignored per partition)
 * ({@link io.samsa.clients.metadata.MetadataCache}), refreshed by the client's I/O thread from Metadata responses
 * ({@link io.samsa.clients.metadata.MetadataRefresher}); callers on other threads only read it and wait on it.
 * {@link io.samsa.clients.metadata.TopicMetadata} builds and reads one-off topic lookups (the consumer's
 * {@code partitionsFor} and {@code listTopics}).
 */
package io.samsa.clients.metadata;
