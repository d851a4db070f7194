package io.samsa.log;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;

/**
 * Sparse map from timestamp to offset ({@code .timeindex}): 12-byte entries of timestamp (i64) and relative
 * offset (i32), appended only when the timestamp grows, as in Kafka.
 * Threads: as {@link MappedIndex} (appends and truncation under the owning log's lock, lookups from any reader).
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
        MappedByteBuffer buf = acquire();
        try {
            int n = readableEntries(buf);
            return n == 0 ? Long.MIN_VALUE : keyAt(buf, n - 1);
        } finally {
            release();
        }
    }

    /** Adds an entry when both timestamp and offset grow, unless the index is full (sparse: skipping is safe). */
    void maybeAppend(long timestamp, long offset) throws IOException {
        int rel = relative(offset, baseOffset);
        MappedByteBuffer buf = acquire();
        try {
            int n = readableEntries(buf);
            if (n > 0 && (timestamp <= keyAt(buf, n - 1) || offset <= offsetAt(buf, n - 1))) {
                return;
            }
        } finally {
            release();
        }
        appendEntry((b, at) -> {
            b.putLong(at, timestamp);
            b.putInt(at + 8, rel);
        });
    }

    /**
     * Offset from which to scan for the first batch with a timestamp ≥ {@code timestamp}: the offset of the
     * largest entry whose timestamp is &lt; timestamp (everything before it is older), else the base offset.
     */
    long lookup(long timestamp) {
        MappedByteBuffer buf = acquire();
        try {
            int slot = largestLowerBoundSlot(timestamp - 1, buf, readableEntries(buf));
            return slot < 0 ? baseOffset : offsetAt(buf, slot);
        } finally {
            release();
        }
    }

    void truncateTo(long offset) {
        MappedByteBuffer buf = acquire();
        try {
            int n = readableEntries(buf);
            while (n > 0 && offsetAt(buf, n - 1) >= offset) {
                n--;
            }
            truncateToEntries(n);
        } finally {
            release();
        }
    }

    boolean isSane() {
        if (!lengthWasAligned()) {
            return false;
        }
        MappedByteBuffer buf = acquire();
        try {
            long prevTs = Long.MIN_VALUE;
            long prevOff = -1;
            for (int i = 0; i < readableEntries(buf); i++) {
                long ts = keyAt(buf, i);
                long off = offsetAt(buf, i);
                if (ts <= prevTs || off <= prevOff && i > 0) {
                    return false;
                }
                prevTs = ts;
                prevOff = off;
            }
            return true;
        } finally {
            release();
        }
    }
}
