package io.samsa.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A segment's {@code .txnindex}: the aborted transactions whose ABORT marker lies in the segment, in marker order,
 * in Kafka's on-disk format (each entry 34 bytes, big-endian: short version 0, long producerId, long firstOffset,
 * long lastOffset, long lastStableOffset).
 *
 * <p>Unlike Kafka, the file is created (empty) with its segment, so that a missing file means lost, and is
 * rebuilt by {@link LogLoader}; the channel is opened only once there is an entry, so that the many segments
 * without aborted transactions hold no file descriptor.
 *
 * <p>Threads: appends, truncations, renames and resets come from the owning log under its lock (or the loading
 * thread); searches come from any reader thread and read only the entries published by the volatile count.
 */
final class TransactionIndex {

    static final int ENTRY_SIZE = 34;
    private static final short VERSION = 0;

    private volatile Path file;
    private volatile int entries;
    /** Set once the segment is deleted: a late search of it finds nothing rather than failing. */
    private volatile boolean deleted;
    private final boolean existedOnOpen;
    private final boolean tornOnOpen;
    /** Opened on first use (guarded by this). */
    private FileChannel channel;

    /** What a search found, and whether no later segment can add to it (Kafka's TxnIndexSearchResult). */
    record SearchResult(List<AbortedTxn> aborted, boolean complete) {
    }

    TransactionIndex(Path file) throws IOException {
        this.file = file;
        this.existedOnOpen = Files.exists(file);
        long size = existedOnOpen ? Files.size(file) : 0;
        this.tornOnOpen = size % ENTRY_SIZE != 0;
        this.entries = (int) (size / ENTRY_SIZE);
        if (!existedOnOpen) {
            Files.createFile(file);
        }
    }

    /** True when the file was there when the segment opened (a missing one must be rebuilt). */
    boolean existedOnOpen() { return existedOnOpen; }

    /** True when the file's length was not a whole number of entries when the segment opened (a torn write). */
    boolean tornOnOpen() { return tornOnOpen; }

    int entries() { return entries; }

    Path file() { return file; }

    private synchronized FileChannel channel() throws IOException {
        if (channel == null) {
            // No CREATE: the constructor made the file, and a deleted segment's must not come back.
            channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        }
        return channel;
    }

    /** Appends an entry; its marker must lie after every entry's already there. */
    void append(AbortedTxn txn) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(ENTRY_SIZE);
        buf.putShort(VERSION).putLong(txn.producerId()).putLong(txn.firstOffset()).putLong(txn.lastOffset())
                .putLong(txn.lastStableOffset()).flip();
        FileChannel ch = channel();
        long pos = (long) entries * ENTRY_SIZE;
        while (buf.hasRemaining()) {
            pos += ch.write(buf, pos);
        }
        entries++;
    }

    /** Every entry, in marker order. */
    List<AbortedTxn> all() throws IOException {
        int n = entries;
        List<AbortedTxn> out = new ArrayList<>(n);
        if (n == 0 || deleted) {
            return out;
        }
        ByteBuffer buf = ByteBuffer.allocate(n * ENTRY_SIZE);
        FileChannel ch = channel();
        long pos = 0;
        while (buf.hasRemaining()) {
            int r = ch.read(buf, pos);
            if (r < 0) {
                break;
            }
            pos += r;
        }
        buf.flip();
        while (buf.remaining() >= ENTRY_SIZE) {
            short version = buf.getShort();
            if (version != VERSION) {
                throw new IOException("Unknown version " + version + " of an aborted transaction in " + file);
            }
            out.add(new AbortedTxn(buf.getLong(), buf.getLong(), buf.getLong(), buf.getLong()));
        }
        return out;
    }

    /**
     * The aborted transactions overlapping [fetchOffset, upperBoundOffset): whose marker is at or after the fetch
     * offset and whose first record is below the bound. Complete once an entry's last stable offset reaches the
     * bound: no transaction aborted later can have begun below it (Kafka's {@code collectAbortedTxns}).
     */
    SearchResult collect(long fetchOffset, long upperBoundOffset) throws IOException {
        List<AbortedTxn> out = new ArrayList<>();
        for (AbortedTxn t : all()) {
            if (t.lastOffset() >= fetchOffset && t.firstOffset() < upperBoundOffset) {
                out.add(t);
            }
            if (t.lastStableOffset() >= upperBoundOffset) {
                return new SearchResult(out, true);
            }
        }
        return new SearchResult(out, false);
    }

    /** Drops the entries whose marker lies at or after {@code offset} (the log is cut there). */
    void truncateTo(long offset) throws IOException {
        List<AbortedTxn> all = all();
        int keep = 0;
        while (keep < all.size() && all.get(keep).lastOffset() < offset) {
            keep++;
        }
        truncateToEntries(keep);
    }

    /** Empties the index (before a rebuild). */
    void reset() throws IOException {
        truncateToEntries(0);
    }

    private void truncateToEntries(int keep) throws IOException {
        long bytes = (long) keep * ENTRY_SIZE;
        entries = Math.min(entries, keep);
        if (channel != null || Files.size(file) != bytes) {
            channel().truncate(bytes);
        }
        entries = keep;
    }

    void flush() throws IOException {
        FileChannel ch;
        synchronized (this) {
            ch = channel;
        }
        if (ch != null) {
            ch.force(true);
        }
    }

    /** Renames the file (a cleaned segment's suffix change); an open channel follows it. */
    void renameTo(Path target) throws IOException {
        Files.move(file, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        file = target;
    }

    synchronized void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing a file we only read and append: nothing left to save
            }
            channel = null;
        }
    }

    /** Unlinks the file; the channel, if open, is closed after {@code closeDelayMs} (in-flight searches finish). */
    void deleteFile(long closeDelayMs, LogBackground background) throws IOException {
        deleted = true;
        Files.deleteIfExists(file);
        FileChannel ch;
        synchronized (this) {
            ch = channel;
        }
        if (ch != null) {
            background.closeLater(ch, closeDelayMs);
        }
    }
}
