package io.samsa.log;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A memory-mapped file of fixed-size entries sorted by key, as Kafka's index files. The mutable (active)
 * index is preallocated to its maximum size and trimmed to its entries when the segment is rolled or
 * closed, so on a clean start {@code fileLength / entrySize} is the entry count.
 *
 * <p>Appends happen under the owning log's lock; lookups are lock-free: an entry is written before the
 * volatile entry count that publishes it.
 */
abstract class MappedIndex {

    private final int entrySize;
    protected final long baseOffset;
    private Path file;
    private volatile MappedByteBuffer mmap;
    private volatile int entries;
    private int maxEntries;

    MappedIndex(Path file, long baseOffset, int maxIndexBytes, boolean mutable, int entrySize) throws IOException {
        this.file = file;
        this.baseOffset = baseOffset;
        this.entrySize = entrySize;
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            long length = raf.length();
            this.entries = (int) (length / entrySize);
            long mapSize = mutable ? Math.max(roundDown(maxIndexBytes), (long) entries * entrySize)
                    : (long) entries * entrySize;
            raf.setLength(mapSize);
            this.mmap = raf.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, mapSize);
            this.maxEntries = (int) (mapSize / entrySize);
        }
    }

    private long roundDown(int bytes) {
        return (long) (Math.max(bytes, entrySize) / entrySize) * entrySize;
    }

    final int entries() { return entries; }

    final int maxEntries() { return maxEntries; }

    final boolean isFull() { return entries >= maxEntries; }

    final Path file() { return file; }

    final MappedByteBuffer buffer() { return mmap; }

    final int entrySize() { return entrySize; }

    /** Writes entry bytes through {@code writer} at slot {@link #entries()} and publishes it. */
    protected final void appendEntry() {
        entries = entries + 1;
    }

    protected final int nextSlotPosition() {
        if (isFull()) {
            throw new IllegalStateException("index " + file + " is full (" + entries + " entries)");
        }
        return entries * entrySize;
    }

    /** Removes every entry from slot {@code n} on. */
    final void truncateToEntries(int n) {
        if (n < entries) {
            entries = n;
        }
    }

    final void reset() { truncateToEntries(0); }

    /**
     * Largest slot whose key is ≤ {@code target}, or -1. Binary search over the mapped entries.
     */
    protected final int largestLowerBoundSlot(long target, MappedByteBuffer buf, int n) {
        if (n == 0 || keyAt(buf, 0) > target) {
            return -1;
        }
        int lo = 0;
        int hi = n - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (keyAt(buf, mid) <= target) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /** The sort key of slot {@code slot}. */
    protected abstract long keyAt(MappedByteBuffer buf, int slot);

    /** Re-maps to {@code newSize} bytes (rounded down to whole entries). */
    final synchronized void resize(int newSize) throws IOException {
        long size = Math.max(roundDown(newSize), (long) entries * entrySize);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            MappedByteBuffer old = mmap;
            old.force();
            raf.setLength(size);
            mmap = raf.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, size);
            maxEntries = (int) (size / entrySize);
        }
    }

    /** Shrinks the file to exactly its entries (on roll and close). */
    final void trimToValidSize() throws IOException {
        resize(entries * entrySize);
    }

    final void flush() {
        mmap.force();
    }

    final void renameTo(Path target) throws IOException {
        Files.move(file, target);
        file = target;
    }

    final void deleteFile() throws IOException {
        Files.deleteIfExists(file);
    }

    protected static int relative(long offset, long baseOffset) {
        long rel = offset - baseOffset;
        if (rel < 0 || rel > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("offset " + offset + " not representable relative to " + baseOffset);
        }
        return (int) rel;
    }
}
