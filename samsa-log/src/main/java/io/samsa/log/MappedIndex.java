package io.samsa.log;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A memory-mapped file of fixed-size entries sorted by key, as Kafka's index files. The mutable (active)
 * index is preallocated to its maximum size and trimmed to its entries when the segment is rolled or
 * closed, so on a clean start {@code fileLength / entrySize} is the entry count.
 *
 * <p>Threads: appends, resizes and resets come from the owning log under its lock; lookups come from any
 * reader thread. Every access to the mapping happens under {@link #mapLock}'s read lock, and a mapping is
 * unmapped (resize, close, delete) only under its write lock, so no reader can touch an unmapped buffer
 * (that would crash the JVM). Entries are published by the volatile entry count after they are written.
 * Once closed, lookups see an empty index (callers then scan the segment from its start).
 *
 * <p>Full disks: the preallocated tail is sparse, and a store into a mapped page that has no block yet raises
 * SIGBUS once the disk is full, which the JVM turns into an InternalError that compiled code may throw later, at
 * an unrelated point of the thread. So an entry is stored only into pages already backed: before the first
 * entry of a new region, that region is written with zeros through the file channel ({@link #ensureBacked}),
 * where a full disk is an ordinary IOException at the append.
 */
abstract class MappedIndex {

    /** Bytes given blocks at a time ahead of the entries: 16 pages, one write per 2,048 offset-index entries. */
    private static final int BACKING_CHUNK = 64 * 1024;

    private final int entrySize;
    protected final long baseOffset;
    private final int maxIndexBytes;
    private final boolean lengthAligned;
    private final ReentrantReadWriteLock mapLock = new ReentrantReadWriteLock();
    private volatile Path file;
    /** Guarded by {@link #mapLock}; null once closed. */
    private MappedByteBuffer mmap;
    private volatile int entries;
    private volatile int maxEntries;
    /**
     * Bytes from the file's start known to have blocks (0 on open: a file left by a crash may have holes anywhere
     * past its entries). Moved only by the owning log's appender.
     */
    private long backedBytes;

    MappedIndex(Path file, long baseOffset, int maxIndexBytes, boolean mutable, int entrySize) throws IOException {
        this.file = file;
        this.baseOffset = baseOffset;
        this.entrySize = entrySize;
        this.maxIndexBytes = maxIndexBytes;
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            long length = raf.length();
            this.lengthAligned = length % entrySize == 0;
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

    final int entrySize() { return entrySize; }

    /** False when the file length on open was not a whole number of entries (a torn or truncated file). */
    final boolean lengthWasAligned() { return lengthAligned; }

    /** Takes the read lock and returns the mapping (null once closed); pair with {@link #release()}. */
    protected final MappedByteBuffer acquire() {
        mapLock.readLock().lock();
        return mmap;
    }

    protected final void release() {
        mapLock.readLock().unlock();
    }

    /**
     * Writes one entry through {@code writer} at the next slot and publishes it; false (nothing written) when
     * the index is full or closed. A sparse index may skip an entry: lookups then return an earlier position.
     * A full disk fails with an IOException and nothing is published.
     */
    protected final boolean appendEntry(EntryWriter writer) throws IOException {
        MappedByteBuffer buf = acquire();
        try {
            if (buf == null || entries >= maxEntries) {
                return false;
            }
            int position = entries * entrySize;
            ensureBacked(position + entrySize, buf.capacity());
            writer.write(buf, position);
            entries = entries + 1;
            return true;
        } finally {
            release();
        }
    }

    /**
     * Gives blocks to the file up to at least {@code end} by writing zeros from the first unbacked byte (never
     * below the next entry, so no published entry is touched) to the next {@link #BACKING_CHUNK} boundary.
     */
    private void ensureBacked(long end, int mappedBytes) throws IOException {
        if (end <= backedBytes) {
            return;
        }
        long from = Math.max(backedBytes, (long) entries * entrySize);
        long to = Math.min(mappedBytes, (end + BACKING_CHUNK - 1) / BACKING_CHUNK * BACKING_CHUNK);
        ByteBuffer zeros = ByteBuffer.allocate((int) (to - from));
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            long at = from;
            while (zeros.hasRemaining()) {
                at += ch.write(zeros, at);
            }
        }
        backedBytes = to;
    }

    @FunctionalInterface
    protected interface EntryWriter {
        void write(MappedByteBuffer buf, int position);
    }

    /** Removes every entry from slot {@code n} on. */
    final void truncateToEntries(int n) {
        if (n < entries) {
            entries = n;
        }
    }

    /**
     * Drops every entry and re-grows the mapping to the maximum size (Kafka's {@code AbstractIndex.reset}), so a
     * rebuild always has room even when the file was missing or short.
     */
    final void reset() throws IOException {
        truncateToEntries(0);
        resize(maxIndexBytes);
    }

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

    /** Entries readable in {@code buf}: the published count, bounded by the mapping's capacity. */
    protected final int readableEntries(MappedByteBuffer buf) {
        return buf == null ? 0 : Math.min(entries, buf.capacity() / entrySize);
    }

    /** The sort key of slot {@code slot}. */
    protected abstract long keyAt(MappedByteBuffer buf, int slot);

    /**
     * Re-maps to {@code newSize} bytes (rounded down to whole entries, room for at least one entry: this grows an
     * index that must take appends) and unmaps the old mapping.
     */
    final void resize(int newSize) throws IOException {
        resizeTo(Math.max(roundDown(newSize), (long) entries * entrySize));
    }

    /**
     * Re-maps to exactly {@code size} bytes, a whole number of entries not below the published ones. A mapping of
     * that size already is only forced: no truncate, no re-map (as Kafka's {@code AbstractIndex.resize}).
     */
    private void resizeTo(long size) throws IOException {
        mapLock.writeLock().lock();
        try {
            MappedByteBuffer old = mmap;
            if (old == null) {
                throw new IOException("index " + file + " is closed");
            }
            if (old.capacity() == size) {
                old.force();
                return;
            }
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                old.force();
                raf.setLength(size);
                mmap = raf.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, size);
                maxEntries = (int) (size / entrySize);
                backedBytes = Math.min(backedBytes, size); // a shrink freed the blocks past the new end
            }
            MappedBuffers.unmap(old);
        } finally {
            mapLock.writeLock().unlock();
        }
    }

    /**
     * Shrinks the file to exactly its entries (on roll and close); an index without entries becomes an empty file,
     * as in Kafka. (Not through {@link #resize}, whose one-entry minimum left a zeroed entry that a clean start
     * then read as an entry at position 0, which an empty segment fails the sanity check with.)
     */
    final void trimToValidSize() throws IOException {
        resizeTo((long) entries * entrySize);
    }

    final void flush() {
        MappedByteBuffer buf = acquire();
        try {
            if (buf != null) {
                buf.force();
            }
        } finally {
            release();
        }
    }

    /** Renames the file atomically, replacing {@code target}; the mapping stays valid. */
    final void renameTo(Path target) throws IOException {
        Files.move(file, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        file = target;
    }

    /** Unmaps the file; later lookups see an empty index and appends are dropped. */
    final void close() {
        mapLock.writeLock().lock();
        try {
            MappedByteBuffer old = mmap;
            mmap = null;
            maxEntries = 0;
            MappedBuffers.unmap(old);
        } finally {
            mapLock.writeLock().unlock();
        }
    }

    /** Unmaps and unlinks the file. */
    final void deleteFile() throws IOException {
        close();
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
