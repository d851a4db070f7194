package io.samsa.broker.replica;

/** How far a fetch may read: consumers up to the high watermark, follower replicas up to the log end. */
public enum FetchIsolation {
    /** Consumers (and any fetcher that is not a replica of the partition): only committed records. */
    HIGH_WATERMARK,
    /** A follower replica copying the leader's log: everything appended. */
    LOG_END
}
