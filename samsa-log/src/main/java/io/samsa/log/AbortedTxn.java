package io.samsa.log;

/**
 * One aborted transaction as Kafka's {@code .txnindex} records it: the producer, the offset of its first record
 * and of its ABORT marker, and the partition's last stable offset when the marker was written (the first offset of
 * another producer's open transaction then, or the marker's offset + 1), which lets a search stop early. A Fetch
 * at read_committed returns {@code producerId} and {@code firstOffset} so the consumer drops the records. Immutable.
 */
public record AbortedTxn(long producerId, long firstOffset, long lastOffset, long lastStableOffset) {
}
