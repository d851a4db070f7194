package io.samsa.broker.group;

/**
 * The coordinator's settings, with Kafka's broker key names and defaults.
 *
 * @param initialRebalanceDelayMs       group.initial.rebalance.delay.ms (3000): how long the first rebalance of
 *                                      an empty group waits for more members, extended per new member up to the
 *                                      rebalance timeout
 * @param minSessionTimeoutMs           group.min.session.timeout.ms (6000)
 * @param maxSessionTimeoutMs           group.max.session.timeout.ms (1800000)
 * @param maxGroupSize                  group.max.size (Integer.MAX_VALUE)
 * @param offsetsRetentionMs            offsets.retention.minutes (10080) in ms
 * @param offsetsRetentionCheckIntervalMs offsets.retention.check.interval.ms (600000)
 * @param offsetMetadataMaxBytes        offset.metadata.max.bytes (4096)
 * @param newMemberJoinTimeoutMs        how long a new member may wait in a rebalance without heartbeats
 *                                      (Kafka's fixed 5 minutes)
 */
public record GroupCoordinatorConfig(int initialRebalanceDelayMs, int minSessionTimeoutMs, int maxSessionTimeoutMs,
                                     int maxGroupSize, long offsetsRetentionMs, long offsetsRetentionCheckIntervalMs,
                                     int offsetMetadataMaxBytes, int newMemberJoinTimeoutMs) {

    public static final GroupCoordinatorConfig DEFAULTS = new GroupCoordinatorConfig(3000, 6000, 1_800_000,
            Integer.MAX_VALUE, 10080L * 60_000L, 600_000L, 4096, 300_000);

    public GroupCoordinatorConfig withInitialRebalanceDelayMs(int ms) {
        return new GroupCoordinatorConfig(ms, minSessionTimeoutMs, maxSessionTimeoutMs, maxGroupSize, offsetsRetentionMs,
                offsetsRetentionCheckIntervalMs, offsetMetadataMaxBytes, newMemberJoinTimeoutMs);
    }

    public GroupCoordinatorConfig withSessionTimeoutBounds(int min, int max) {
        return new GroupCoordinatorConfig(initialRebalanceDelayMs, min, max, maxGroupSize, offsetsRetentionMs,
                offsetsRetentionCheckIntervalMs, offsetMetadataMaxBytes, newMemberJoinTimeoutMs);
    }

    public GroupCoordinatorConfig withOffsetsRetentionMs(long ms) {
        return new GroupCoordinatorConfig(initialRebalanceDelayMs, minSessionTimeoutMs, maxSessionTimeoutMs, maxGroupSize,
                ms, offsetsRetentionCheckIntervalMs, offsetMetadataMaxBytes, newMemberJoinTimeoutMs);
    }
}
