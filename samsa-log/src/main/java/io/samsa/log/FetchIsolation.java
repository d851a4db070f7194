package io.samsa.log;

/**
 * How far a read may see (Kafka's {@code FetchIsolation}): a follower replicating the leader reads up to the log
 * end offset; a consumer reads up to the high watermark, so it never sees a record a leader change could still
 * truncate; a read_committed consumer reads up to the last stable offset, below which every transaction is
 * decided, and gets the aborted transactions of what it read.
 */
public enum FetchIsolation {
    /** Up to the log end offset: follower fetches, and the log's own internal readers. */
    LOG_END,
    /** Up to the high watermark: consumer fetches (read_uncommitted). */
    HIGH_WATERMARK,
    /** Up to the last stable offset: read_committed consumer fetches. */
    TXN_COMMITTED
}
