package io.samsa.log;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;

/**
 * Sparse map from offset to file position ({@code .index}): 8-byte entries of relative offset (i32) and
 * position (i32). As in Kafka, the key of an entry is the last offset of the batch that starts at the position,
 * so that {@link #lookup} returns a position at or before the batch containing the target offset.
 * Threads: as {@link MappedIndex} (appends and truncation under the owning log's lock, lookups from any reader).
 */
final class OffsetIndex extends MappedIndex {

    static final int ENTRY_SIZE = 8;

    OffsetIndex(Path file, long baseOffset, int maxIndexBytes, boolean mutable) throws IOException {
        super(file, baseOffset, maxIndexBytes, mutable, ENTRY_SIZE);
    }

    @Override
    protected long keyAt(MappedByteBuffer buf, int slot) {
        return buf.getInt(slot * ENTRY_SIZE);
    }

    private int positionAt(MappedByteBuffer buf, int slot) {
        return buf.getInt(slot * ENTRY_SIZE + 4);
    }

    /** Adds an entry unless it would be out of order or the index is full (sparse: skipping is safe). */
    void append(long offset, int position) throws IOException {
        int rel = relative(offset, baseOffset);
        MappedByteBuffer buf = acquire();
        try {
            int n = readableEntries(buf);
            if (n > 0 && rel <= keyAt(buf, n - 1)) {
                return; // never out of order
            }
        } finally {
            release();
        }
        appendEntry((b, at) -> {
            b.putInt(at, rel);
            b.putInt(at + 4, position);
        });
    }

    /** Position of a batch at or before the one holding {@code offset} (0 when no entry is lower). */
    int lookup(long offset) {
        MappedByteBuffer buf = acquire();
        try {
            int slot = largestLowerBoundSlot(offset - baseOffset, buf, readableEntries(buf));
            return slot < 0 ? 0 : positionAt(buf, slot);
        } finally {
            release();
        }
    }

    /** Drops entries whose key is ≥ {@code offset}. */
    void truncateTo(long offset) {
        MappedByteBuffer buf = acquire();
        try {
            int slot = largestLowerBoundSlot(offset - baseOffset - 1, buf, readableEntries(buf));
            truncateToEntries(slot + 1);
        } finally {
            release();
        }
    }

    /** Checks that keys and positions strictly increase and positions lie within {@code logSize}. */
    boolean isSane(long logSize) {
        if (!lengthWasAligned()) {
            return false;
        }
        MappedByteBuffer buf = acquire();
        try {
            long prevKey = -1;
            long prevPos = -1;
            for (int i = 0; i < readableEntries(buf); i++) {
                long key = keyAt(buf, i);
                long pos = positionAt(buf, i);
                if (key <= prevKey || pos <= prevPos || pos >= logSize || pos < 0) {
                    return false;
                }
                prevKey = key;
                prevPos = pos;
            }
            return true;
        } finally {
            release();
        }
    }
}
