package io.samsa.broker.group;

/**
 * A committed offset.
 *
 * @param offset            the next offset to consume
 * @param leaderEpoch       the leader epoch of the last consumed record, or -1
 * @param metadata          client metadata (may be null)
 * @param commitTimestampMs when the coordinator accepted the commit
 * @param expireTimestampMs explicit expiry (OffsetCommit v2–4 retention time), or -1 for the broker's
 *                          {@code offsets.retention.minutes} rule
 */
public record CommittedOffset(long offset, int leaderEpoch, String metadata, long commitTimestampMs,
                                long expireTimestampMs) {
}
