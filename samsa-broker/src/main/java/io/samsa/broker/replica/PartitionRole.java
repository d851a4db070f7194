package io.samsa.broker.replica;

/**
 * What this broker's replica of a partition does, as Kafka's replica states. A replica is created in the role the
 * metadata assigns it; every later change of role comes with a higher leader epoch:
 * <pre>
 *   LEADER ──another broker elected (epoch + 1)──▶ FOLLOWER
 *   FOLLOWER ──this broker elected (epoch + 1)──▶ LEADER
 * </pre>
 * A LEADER accepts produce, serves consumer fetches up to the high watermark and ListOffsets, and advances the
 * high watermark as its ISR's log end offsets move. A FOLLOWER fetches from the leader, appends as a follower,
 * answers produce and ListOffsets NOT_LEADER_OR_FOLLOWER, and serves consumer fetches up to the high watermark the
 * leader told it (fetch from follower, KIP-392).
 *
 * <p>On a single node every partition is created LEADER at epoch 0 and stays so; FOLLOWER is the state
 * replication adds.
 */
public enum PartitionRole {
    LEADER,
    FOLLOWER
}
