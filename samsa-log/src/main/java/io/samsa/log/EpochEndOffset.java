package io.samsa.log;

/**
 * What OffsetForLeaderEpoch answers for one partition (Kafka's {@code EpochEntry}/{@code OffsetAndEpoch} of
 * {@code LeaderEpochFileCache.endOffsetFor}): the largest epoch at or below the requested one that this log knows,
 * and the offset where that epoch ended (the start offset of the next higher epoch, or the log end offset for the
 * latest epoch). Both are {@link #UNDEFINED_EPOCH}/{@link #UNDEFINED_EPOCH_OFFSET} when the epoch is unknown.
 * Immutable.
 */
public record EpochEndOffset(int leaderEpoch, long endOffset) {

    /** Kafka's {@code RecordBatch.NO_PARTITION_LEADER_EPOCH} / {@code UNDEFINED_EPOCH}. */
    public static final int UNDEFINED_EPOCH = -1;
    /** Kafka's {@code UNDEFINED_EPOCH_OFFSET}. */
    public static final long UNDEFINED_EPOCH_OFFSET = -1L;

    public static final EpochEndOffset UNDEFINED = new EpochEndOffset(UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET);
}
