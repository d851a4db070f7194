/**
 * The metadata quorum on Apache Ratis: the cluster's {@link io.samsa.metadata.MetadataLog} replicated by a Raft
 * group of the controller nodes ({@code controller.quorum.voters}), the channel brokers use to reach the active
 * controller, leadership events, and the quorum's status for DescribeQuorum. A node takes part as a
 * {@link io.samsa.metadata.quorum.QuorumMember}: a voter ({@link io.samsa.metadata.quorum.RatisMetadataLog}) or,
 * on a broker-only node, an observer ({@link io.samsa.metadata.quorum.QuorumObserver}) that long-polls a voter's
 * {@link io.samsa.metadata.quorum.MetadataFeed} (recent committed batches, or the whole image) and never votes.
 * <p>
 * {@link io.samsa.metadata.quorum.RatisMetadataLog} runs one Ratis server (gRPC, on the CONTROLLER listener's
 * address) and one Ratis client. Its {@link io.samsa.metadata.quorum.MetadataRaftStateMachine} applies committed
 * batches to {@code MetadataStateMachine}; the Raft log index of a batch is its metadata offset. Log entries and
 * replies: {@link io.samsa.metadata.quorum.QuorumMessages}; snapshots: {@link io.samsa.metadata.quorum.SnapshotFile};
 * timeouts, the fixed group id and TLS ({@link io.samsa.metadata.quorum.QuorumTls}, for a CONTROLLER listener
 * mapped to SSL): {@link io.samsa.metadata.quorum.QuorumConfig}; the observers' requests:
 * {@link io.samsa.metadata.quorum.FeedMessages}, {@link io.samsa.metadata.quorum.QuorumStatusCodec}.
 * <p>
 * <b>Threads.</b> Ratis owns most of them: gRPC server and client event loops and executors, one log worker,
 * one leader-election thread, one log appender per follower on the leader, and the state-machine updater, the
 * only thread that applies batches, takes snapshots and reloads an installed one (so publishers run on it, one
 * batch at a time). Controller calls are served on a gRPC thread, which only hands them to the handler and never
 * waits, and so are observers' feed requests (the feed answers a waiting one from the updater, or from
 * {@code samsa-metadata-feed-<id>} when its wait ends). This package adds four threads per voter: {@code samsa-quorum-events-<id>} calls the
 * {@link io.samsa.metadata.quorum.LeadershipListener}s in order, so a listener never blocks Ratis;
 * {@code samsa-controller-calls-<id>} resends controller calls that must wait (no leader yet, or its controller not
 * active yet; {@link io.samsa.metadata.quorum.LeaderCalls}); {@code samsa-quorum-watch-<id>} samples when this node
 * last heard from the leader it follows ({@link io.samsa.metadata.quorum.LeaderContact}); the feed timer. An observer
 * runs no Ratis server: only clients, {@code samsa-metadata-observer-<id>}, which fetches and applies (publishers
 * run on it there), and its own {@code samsa-controller-calls-<id>}. The futures of
 * {@code append} and {@code call} complete on the updater, a gRPC client thread or the calls thread: callers must
 * not block there.
 */
package io.samsa.metadata.quorum;
