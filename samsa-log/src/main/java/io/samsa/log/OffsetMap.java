package io.samsa.log;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The log cleaner's bounded map from record key to the latest offset of that key (Kafka's SkimpyOffsetMap): keys
 * are stored as their 16-byte MD5 digest plus an 8-byte offset, 24 bytes an entry, in open-addressed arrays, so
 * the memory is fixed up front by {@code log.cleaner.dedupe.buffer.size} whatever the keys' sizes. It holds at
 * most {@link #maxEntries()} keys (the buffer's slots times the load factor 0.9, as Kafka); the cleaner stops
 * mapping when it is full and cleans in several passes. Two keys with the same digest would be merged, as in
 * Kafka (negligible with MD5). Not thread-safe: one per cleaning, on the cleaner thread.
 */
final class OffsetMap {

    static final int BYTES_PER_ENTRY = 24;
    private static final double LOAD_FACTOR = 0.9;

    private final long[] hashHigh;
    private final long[] hashLow;
    /** -1 marks an empty slot (offsets are never negative). */
    private final long[] offsets;
    private final int maxEntries;
    private final MessageDigest md5;
    private final byte[] digest = new byte[16];
    private int entries;
    private long latestOffset = -1;
    private long h1;
    private long h2;

    /** A map of {@code slots} slots; see {@link #slotsFor}. */
    OffsetMap(int slots) {
        if (slots < 2) {
            throw new IllegalArgumentException("an offset map needs at least 2 slots: " + slots);
        }
        this.hashHigh = new long[slots];
        this.hashLow = new long[slots];
        this.offsets = new long[slots];
        Arrays.fill(offsets, -1L);
        this.maxEntries = Math.max(1, (int) (slots * LOAD_FACTOR));
        try {
            this.md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required of every JVM", e);
        }
    }

    /**
     * Slots for a map of at most {@code memoryBytes} that needs to hold at most {@code keysNeeded} keys: no more
     * memory is taken than the dirty records could fill (a small log does not allocate the whole buffer).
     */
    static int slotsFor(long memoryBytes, long keysNeeded) {
        long bySize = memoryBytes / BYTES_PER_ENTRY;
        long byNeed = (long) Math.ceil(Math.max(1, keysNeeded) / LOAD_FACTOR) + 1;
        return (int) Math.max(2, Math.min(Integer.MAX_VALUE - 8, Math.min(bySize, byNeed)));
    }

    int maxEntries() { return maxEntries; }

    int slots() { return offsets.length; }

    int size() { return entries; }

    boolean isFull() { return entries >= maxEntries; }

    /** The largest offset noted so far (mapped or not), -1 when none. */
    long latestOffset() { return latestOffset; }

    void updateLatestOffset(long offset) {
        latestOffset = Math.max(latestOffset, offset);
    }

    /**
     * Maps {@code key} (read from its position to its limit, not consumed) to {@code offset}; false, and nothing
     * changed, when it is a new key and the map is full.
     */
    boolean put(ByteBuffer key, long offset) {
        hash(key);
        int slot = find();
        if (offsets[slot] < 0) {
            if (entries >= maxEntries) {
                return false;
            }
            hashHigh[slot] = h1;
            hashLow[slot] = h2;
            entries++;
        }
        offsets[slot] = offset;
        updateLatestOffset(offset);
        return true;
    }

    /** The latest offset mapped for {@code key}, or -1. */
    long get(ByteBuffer key) {
        hash(key);
        return offsets[find()];
    }

    /** Forgets every key (the arrays are reused for the next pass). */
    void clear() {
        Arrays.fill(offsets, -1L);
        entries = 0;
        latestOffset = -1;
    }

    private void hash(ByteBuffer key) {
        md5.update(key.duplicate());
        try {
            md5.digest(digest, 0, 16);
        } catch (java.security.DigestException e) {
            throw new IllegalStateException(e);
        }
        ByteBuffer d = ByteBuffer.wrap(digest);
        h1 = d.getLong(0);
        h2 = d.getLong(8);
    }

    /** The slot holding the current digest, or the empty slot where it belongs (linear probing). */
    private int find() {
        int n = offsets.length;
        int slot = (int) Long.remainderUnsigned(h1 ^ (h2 >>> 7), n);
        while (offsets[slot] >= 0 && (hashHigh[slot] != h1 || hashLow[slot] != h2)) {
            slot = slot + 1 == n ? 0 : slot + 1;
        }
        return slot;
    }
}
