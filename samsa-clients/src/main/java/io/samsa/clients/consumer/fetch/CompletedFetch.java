package io.samsa.clients.consumer.fetch;

import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.message.FetchResponseData.AbortedTransaction;
import org.apache.kafka.common.serialization.Deserializer;

import io.samsa.protocol.records.RecordCursor;
import io.samsa.protocol.records.RecordsView;

/**
 * One partition's records from one Fetch response, read lazily by the application thread: batches are walked
 * (and decompressed) only as {@code poll} asks for records. Records before the position (a compressed batch starts
 * earlier than asked) and control batches are skipped.
 *
 * <p>read_committed: the broker returns data only up to the last stable offset, plus the aborted transactions
 * that overlap it (producer id, first offset). As in Kafka's consumer, an aborted transaction becomes active for
 * its producer once a batch reaching its first offset is met; that producer's transactional batches are skipped
 * until its ABORT marker ends it. Control batches are never handed out.
 */
final class CompletedFetch {
    final TopicPartition tp;
    final int epoch;
    final RuntimeException error;
    private final RecordCursor cursor;
    /** read_committed: aborted transactions not yet reached, by first offset; null for read_uncommitted. */
    private final PriorityQueue<AbortedTransaction> abortedAhead;
    /** read_committed: producers whose transactional batches are skipped until their ABORT marker. */
    private final Set<Long> abortedProducers = new HashSet<>();
    /** The cursor's current record failed to deserialize: hand it out (and fail) again on the next drain. */
    private boolean peeked;
    private long nextOffset = -1;
    private int leaderEpoch = -1;

    /** {@code aborted}: the response's aborted transactions for read_committed, null for read_uncommitted. */
    CompletedFetch(TopicPartition tp, int epoch, RecordsView data, List<AbortedTransaction> aborted) {
        this.tp = tp;
        this.epoch = epoch;
        this.error = null;
        this.cursor = data.cursor();
        if (aborted == null) {
            this.abortedAhead = null;
        } else {
            this.abortedAhead = new PriorityQueue<>(Math.max(1, aborted.size()),
                    Comparator.comparingLong(AbortedTransaction::firstOffset));
            this.abortedAhead.addAll(aborted);
        }
    }

    CompletedFetch(TopicPartition tp, int epoch, RuntimeException error) {
        this.tp = tp;
        this.epoch = epoch;
        this.error = error;
        this.cursor = null;
        this.abortedAhead = null;
    }

    /** The offset after the last record or batch handed out (or skipped); -1 if none yet. */
    long nextOffset() {
        return nextOffset;
    }

    int leaderEpoch() {
        return leaderEpoch;
    }

    boolean isDrained() {
        return error == null && !peeked && !cursor.hasNextRecord() && !cursor.hasNextBatch();
    }

    /**
     * Adds up to {@code max} records at or after {@code position} to {@code out}; returns how many. A record that
     * cannot be deserialized stops the drain: thrown now if nothing was added, else on the next call.
     */
    <K, V> int drain(int max, long position, Deserializer<K> keys, Deserializer<V> values,
                     List<ConsumerRecord<K, V>> out) {
        int added = 0;
        while (added < max) {
            if (!nextRecord(position)) {
                break;
            }
            RecordCursor r = cursor;
            ConsumerRecord<K, V> cr;
            try {
                cr = toConsumerRecord(keys, values);
            } catch (RuntimeException e) {
                peeked = true;
                if (added > 0) {
                    break;
                }
                throw new RecordDeserializationException(RecordDeserializationException.DeserializationExceptionOrigin.VALUE,
                        tp, r.offset(), r.timestamp(), r.batchTimestampType(), r.key(), r.value(),
                        r.headers(), "Error deserializing key/value for partition " + tp
                        + " at offset " + r.offset() + ". If needed, please seek past the record to continue "
                        + "consumption.", e);
            }
            out.add(cr);
            nextOffset = r.offset() + 1;
            added++;
        }
        return added;
    }

    /** Moves the cursor to the next record at or after {@code position}; false when the data is drained. */
    private boolean nextRecord(long position) {
        if (peeked) {
            peeked = false;
            return true;
        }
        while (true) {
            if (cursor.inBatch() && cursor.nextRecord()) {
                if (cursor.offset() >= position) {
                    return true;
                }
                continue;
            }
            if (cursor.inBatch()) {
                nextOffset = Math.max(nextOffset, cursor.batchNextOffset()); // past compacted or control records
                cursor.leaveBatch();
            }
            if (!cursor.nextBatch()) {
                return false;
            }
            if (abortedAhead != null && skipAsAborted()) {
                nextOffset = Math.max(nextOffset, cursor.batchNextOffset());
                cursor.leaveBatch();
                continue;
            }
            if (cursor.batchNextOffset() <= position) {
                cursor.leaveBatch();
                continue;
            }
            if (cursor.batchLeaderEpoch() >= 0) {
                leaderEpoch = cursor.batchLeaderEpoch();
            }
            if (cursor.batchIsControl()) {
                nextOffset = Math.max(nextOffset, cursor.batchNextOffset());
                cursor.leaveBatch();
            }
        }
    }

    /**
     * read_committed bookkeeping for the batch just entered, in log order whatever the position: true when it is
     * a transactional batch of a producer whose transaction was aborted. An ABORT marker ends that producer's
     * aborted transaction (the marker itself is skipped as a control batch).
     */
    private boolean skipAsAborted() {
        long producerId = cursor.batchProducerId();
        if (producerId < 0) {
            return false;
        }
        while (!abortedAhead.isEmpty() && abortedAhead.peek().firstOffset() <= cursor.batchLastOffset()) {
            abortedProducers.add(abortedAhead.poll().producerId());
        }
        if (cursor.batchIsControl()) {
            if (cursor.batchIsAbortMarker()) {
                abortedProducers.remove(producerId);
            }
            return false;
        }
        return cursor.batchIsTransactional() && abortedProducers.contains(producerId);
    }

    private <K, V> ConsumerRecord<K, V> toConsumerRecord(Deserializer<K> keys, Deserializer<V> values) {
        RecordCursor r = cursor;
        Headers headers = r.headers();
        K key = r.hasKey() ? keys.deserialize(tp.topic(), headers, r.key()) : null;
        V value = r.hasValue() ? values.deserialize(tp.topic(), headers, r.value()) : null;
        int epochOfBatch = r.batchLeaderEpoch();
        return new ConsumerRecord<>(tp.topic(), tp.partition(), r.offset(), r.timestamp(), r.batchTimestampType(),
                r.keySize(), r.valueSize(), key, value, headers,
                epochOfBatch >= 0 ? Optional.of(epochOfBatch) : Optional.empty());
    }
}
