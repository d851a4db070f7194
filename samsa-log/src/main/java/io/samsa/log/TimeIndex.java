package io.samsa.log;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;

/**
 * Sparse map from timestamp to offset ({@code .timeindex}): 12-byte entries of timestamp (i64) and relative
 * offset (i32), appended only when the timestamp grows, as in Kafka.
 */
final class TimeIndex extends MappedIndex {

    static final int ENTRY_SIZE = 12;

    TimeIndex(Path file, long baseOffset, int maxIndexBytes, boolean mutable) throws IOException {
        super(file, baseOffset, maxIndexBytes, mutable, ENTRY_SIZE);
    }

    @Override
    protected long keyAt(MappedByteBuffer buf, int slot) {
        return buf.getLong(slot * ENTRY_SIZE);
    }

    private long offsetAt(MappedByteBuffer buf, int slot) {
        return baseOffset + buf.getInt(slot * ENTRY_SIZE + 8);
    }

    long lastTimestamp() {
        int n = entries();
        return n == 0 ? Long.MIN_VALUE : keyAt(buffer(), n - 1);
    }

    void maybeAppend(long timestamp, long offset) {
        int n = entries();
        if (n > 0 && timestamp <= keyAt(buffer(), n - 1)) {
            return;
        }
        if (n > 0 && offset <= offsetAt(buffer(), n - 1)) {
            return;
        }
        int at = nextSlotPosition();
        MappedByteBuffer buf = buffer();
        buf.putLong(at, timestamp);
        buf.putInt(at + 8, relative(offset, baseOffset));
        appendEntry();
    }

    /**
     * Offset from which to scan for the first batch with a timestamp ≥ {@code timestamp}: the offset of the
     * largest entry whose timestamp is &lt; timestamp (everything before it is older), else the base offset.
     */
    long lookup(long timestamp) {
        MappedByteBuffer buf = buffer();
        int slot = largestLowerBoundSlot(timestamp - 1, buf, entries());
        return slot < 0 ? baseOffset : offsetAt(buf, slot);
    }

    void truncateTo(long offset) {
        MappedByteBuffer buf = buffer();
        int n = entries();
        while (n > 0 && offsetAt(buf, n - 1) >= offset) {
            n--;
        }
        truncateToEntries(n);
    }

    boolean isSane() {
        MappedByteBuffer buf = buffer();
        long prevTs = Long.MIN_VALUE;
        long prevOff = -1;
        for (int i = 0; i < entries(); i++) {
            long ts = keyAt(buf, i);
            long off = offsetAt(buf, i);
            if (ts <= prevTs || off <= prevOff && i > 0) {
                return false;
            }
            prevTs = ts;
            prevOff = off;
        }
        return true;
    }
}
