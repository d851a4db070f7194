/**
 * Cluster metadata as a replicated state machine, after Kafka's KRaft.
 * <p>
 * <b>Records</b> ({@link io.samsa.metadata.MetadataRecord}): topic, partition, config, producer-id block, broker
 * registration (with its broker epoch), fence / unfence broker, remove-topic, SCRAM credential (and its removal),
 * ACL binding (and its removal), client quota. Binary form:
 * {@link io.samsa.metadata.MetadataRecordCodec}; on disk in frames: {@link io.samsa.metadata.MetadataFrames}.
 * <b>Image</b> ({@link io.samsa.metadata.MetadataImage}): immutable; a {@link io.samsa.metadata.MetadataDelta}
 * replays a batch and yields the next image copy-on-write, sharing every unchanged part.
 * <p>
 * <b>One apply path.</b> {@link io.samsa.metadata.MetadataController} is the single writer: it validates a
 * request against the current image (Kafka's errors and limits), lets the publishers prepare (the broker creates
 * the logs of new partitions before anything is committed), and appends the records to a
 * {@link io.samsa.metadata.MetadataLog}. The log hands each committed batch to
 * {@link io.samsa.metadata.MetadataStateMachine}, which builds the delta, calls every
 * {@link io.samsa.metadata.MetadataPublisher} and only then makes the new image visible. At start the log replays
 * its snapshot and tail through the same listener.
 * <p>
 * <b>The cluster's controller.</b> {@link io.samsa.metadata.MetadataController} implements
 * {@link io.samsa.metadata.ControllerApi}: rack-striped placement over unfenced brokers
 * ({@code ReplicaPlacer}), registrations that start fenced, heartbeats and session expiry (in memory on the
 * active controller), controlled shutdown, AlterPartition, preferred leader election and topic-config changes
 * (Kafka's IncrementalAlterConfigs and AlterConfigs semantics, {@code TopicConfigChanges}); leader and ISR changes
 * are whole {@link io.samsa.metadata.PartitionRecord}s with the next partition epoch, and
 * {@link io.samsa.metadata.MetadataDelta} refuses a stale one ({@link io.samsa.metadata.MetadataConflictException}).
 * In a cluster it runs on one thread, {@link io.samsa.metadata.ControllerEventLoop} ({@code samsa-controller}),
 * while this node leads the quorum; other nodes call it through {@link io.samsa.metadata.RemoteController}, whose
 * Kafka request messages {@link io.samsa.metadata.ControllerRequestServer} serves on the leader.
 * <p>
 * <b>Which log.</b> A single node (no {@code controller.quorum.voters}) uses
 * {@link io.samsa.metadata.LocalMetadataLog}: fsynced frames under {@code __samsa_meta/metadata/} and an atomic
 * snapshot when it grows (Kafka's {@code __cluster_metadata} and its checkpoints). A cluster uses
 * {@link io.samsa.metadata.quorum.RatisMetadataLog}: a Raft group of the controller voters on Apache Ratis, whose
 * {@code append} submits the encoded batch to the leader and whose {@code applyTransaction} calls
 * {@link io.samsa.metadata.MetadataCommitListener#committed} on every voter; the metadata offset is the Raft index,
 * snapshots are {@link io.samsa.metadata.MetadataImage#toRecords()}, and a voter that fell behind the leader's
 * purged log gets a snapshot that replaces its image ({@link io.samsa.metadata.MetadataCommitListener#reloaded}).
 * A batch that conflicts with the image ({@link io.samsa.metadata.MetadataConflictException}) is rejected whole on
 * every replica alike. Nothing above the log changes.
 * <p>
 * <b>Threads.</b> Writers (request-handler threads; the broker's main thread at start) are serialised on the
 * controller. The local log commits and applies on the writing thread; with Ratis, its state-machine updater
 * thread applies (threads of the quorum: {@link io.samsa.metadata.quorum}). Publishers run on the applying
 * thread, one batch at a time; the image is read lock-free by any thread. Apart from the quorum's, the only
 * thread this module starts is the cluster's {@code samsa-controller}.
 */
package io.samsa.metadata;
