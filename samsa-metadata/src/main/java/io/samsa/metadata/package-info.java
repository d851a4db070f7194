/**
 * Cluster metadata as a replicated state machine, after Kafka's KRaft.
 * <p>
 * <b>Records</b> ({@link io.samsa.metadata.MetadataRecord}): topic, partition, config, producer-id block, broker
 * registration, remove-topic; ACL bindings and SCRAM credentials join with the security issue. Binary form:
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
 * <b>Which log, and where Ratis attaches.</b> The issue allows a Ratis group of one (if its embedded start stays
 * under 100 ms warm) or a local log behind the same interface. Ratis is not on the classpath yet, so the log is
 * {@link io.samsa.metadata.LocalMetadataLog}: fsynced frames under {@code __samsa_meta/metadata/} and an atomic
 * snapshot when it grows (Kafka's {@code __cluster_metadata} and its checkpoints). The cluster issue implements
 * {@code MetadataLog} on a Ratis group: {@code append} submits the encoded batch to the leader,
 * {@code StateMachine.applyTransaction} decodes it and calls {@link io.samsa.metadata.MetadataCommitListener#committed},
 * and Ratis snapshots are {@link io.samsa.metadata.MetadataImage#toRecords()}. Nothing above the log changes.
 * <p>
 * <b>Threads.</b> Writers (request-handler threads; the broker's main thread at start) are serialised on the
 * controller. The local log commits and applies on the writing thread; with Ratis, its state-machine updater
 * thread applies. Publishers run on the applying thread, one batch at a time; the image is read lock-free by
 * any thread. This module starts no threads of its own.
 */
package io.samsa.metadata;
