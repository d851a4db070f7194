package io.samsa.log;

import org.apache.kafka.common.KafkaException;

/**
 * A follower was asked to append batches whose offsets do not continue its log (Kafka's
 * {@code UnexpectedAppendOffsetException}): a batch starts below the log end offset, or offsets go backwards
 * within the fetched data. The replica fetcher answers it by truncating and fetching again.
 * Thrown on the appending thread.
 */
public final class UnexpectedAppendOffsetException extends KafkaException {

    private final long firstOffset;
    private final long lastOffset;

    public UnexpectedAppendOffsetException(String message, long firstOffset, long lastOffset) {
        super(message);
        this.firstOffset = firstOffset;
        this.lastOffset = lastOffset;
    }

    /** Base offset of the offending batch. */
    public long firstOffset() { return firstOffset; }

    /** Last offset of the offending batch. */
    public long lastOffset() { return lastOffset; }
}
