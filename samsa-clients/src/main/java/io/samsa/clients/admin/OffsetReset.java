package io.samsa.clients.admin;

/**
 * Where {@link SamsaAdmin#resetGroupOffsets} moves a group's committed offsets, per partition, as
 * {@code kafka-consumer-groups.sh --reset-offsets} does. Targets outside a partition's log are clamped to its
 * log start or end offset.
 */
public sealed interface OffsetReset {

    static OffsetReset toEarliest() {
        return new Earliest();
    }

    static OffsetReset toLatest() {
        return new Latest();
    }

    static OffsetReset toOffset(long offset) {
        return new ToOffset(offset);
    }

    /** The first record at or after the timestamp (epoch ms); the log end where no record is that recent. */
    static OffsetReset toTimestamp(long timestampMs) {
        return new ToTimestamp(timestampMs);
    }

    /** The committed offset moved by {@code delta} (negative: back); needs a committed offset. */
    static OffsetReset shiftBy(long delta) {
        return new ShiftBy(delta);
    }

    record Earliest() implements OffsetReset {
    }

    record Latest() implements OffsetReset {
    }

    record ToOffset(long offset) implements OffsetReset {
    }

    record ToTimestamp(long timestampMs) implements OffsetReset {
    }

    record ShiftBy(long delta) implements OffsetReset {
    }
}
