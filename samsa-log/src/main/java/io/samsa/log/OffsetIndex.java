package io.samsa.log;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;

/**
 * Sparse map from offset to file position ({@code .index}): 8-byte entries of relative offset (i32) and
 * position (i32). As in Kafka, the key of an entry is the last offset of the batch that starts at the position,
 * so that {@link #lookup} returns a position at or before the batch containing the target offset.
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

    void append(long offset, int position) {
        int rel = relative(offset, baseOffset);
        int n = entries();
        if (n > 0 && rel <= keyAt(buffer(), n - 1)) {
            return; // never out of order
        }
        int at = nextSlotPosition();
        MappedByteBuffer buf = buffer();
        buf.putInt(at, rel);
        buf.putInt(at + 4, position);
        appendEntry();
    }

    /** Position of a batch at or before the one holding {@code offset} (0 when no entry is lower). */
    int lookup(long offset) {
        MappedByteBuffer buf = buffer();
        int n = Math.min(entries(), buf.capacity() / ENTRY_SIZE);
        int slot = largestLowerBoundSlot(offset - baseOffset, buf, n);
        return slot < 0 ? 0 : positionAt(buf, slot);
    }

    /** Drops entries whose key is ≥ {@code offset}. */
    void truncateTo(long offset) {
        int slot = largestLowerBoundSlot(offset - baseOffset - 1, buffer(), entries());
        truncateToEntries(slot + 1);
    }

    /** Checks that keys and positions strictly increase and positions lie within {@code logSize}. */
    boolean isSane(long logSize) {
        MappedByteBuffer buf = buffer();
        long prevKey = -1;
        long prevPos = -1;
        for (int i = 0; i < entries(); i++) {
            long key = keyAt(buf, i);
            long pos = positionAt(buf, i);
            if (key <= prevKey || pos <= prevPos || pos >= logSize || pos < 0) {
                return false;
            }
            prevKey = key;
            prevPos = pos;
        }
        return true;
    }
}
