package io.samsa.clients.consumer.fetch;

import java.util.Iterator;
import java.util.List;
import java.util.Optional;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * One partition's records from one Fetch response, read lazily by the application thread: batches are walked
 * (and decompressed) only as {@code poll} asks for records. Records before the position (a compressed batch starts
 * earlier than asked) and control batches are skipped.
 */
final class CompletedFetch {
    final TopicPartition tp;
    final int epoch;
    final RuntimeException error;
    private final Iterator<MutableRecordBatch> batches;
    private MutableRecordBatch batch;
    private Iterator<Record> records;
    private Record peeked;
    private long nextOffset = -1;
    private int leaderEpoch = -1;

    CompletedFetch(TopicPartition tp, int epoch, MemoryRecords data) {
        this.tp = tp;
        this.epoch = epoch;
        this.error = null;
        this.batches = data.batches().iterator();
    }

    CompletedFetch(TopicPartition tp, int epoch, RuntimeException error) {
        this.tp = tp;
        this.epoch = epoch;
        this.error = error;
        this.batches = null;
    }

    /** The offset after the last record or batch handed out (or skipped); -1 if none yet. */
    long nextOffset() {
        return nextOffset;
    }

    int leaderEpoch() {
        return leaderEpoch;
    }

    boolean isDrained() {
        return error == null && peeked == null && (records == null || !records.hasNext()) && !batches.hasNext();
    }

    /**
     * Adds up to {@code max} records at or after {@code position} to {@code out}; returns how many. A record that
     * cannot be deserialized stops the drain: thrown now if nothing was added, else on the next call.
     */
    <K, V> int drain(int max, long position, Deserializer<K> keys, Deserializer<V> values,
                     List<ConsumerRecord<K, V>> out) {
        int added = 0;
        while (added < max) {
            Record r = nextRecord(position);
            if (r == null) {
                break;
            }
            ConsumerRecord<K, V> cr;
            try {
                cr = toConsumerRecord(r, keys, values);
            } catch (RuntimeException e) {
                peeked = r;
                if (added > 0) {
                    break;
                }
                throw new RecordDeserializationException(RecordDeserializationException.DeserializationExceptionOrigin.VALUE,
                        tp, r.offset(), r.timestamp(), batch.timestampType(), r.key(), r.value(),
                        new RecordHeaders(r.headers()), "Error deserializing key/value for partition " + tp
                        + " at offset " + r.offset() + ". If needed, please seek past the record to continue "
                        + "consumption.", e);
            }
            out.add(cr);
            nextOffset = r.offset() + 1;
            added++;
        }
        return added;
    }

    private Record nextRecord(long position) {
        if (peeked != null) {
            Record r = peeked;
            peeked = null;
            return r;
        }
        while (true) {
            if (records != null && records.hasNext()) {
                Record r = records.next();
                if (r.offset() >= position) {
                    return r;
                }
                continue;
            }
            if (batch != null) {
                nextOffset = Math.max(nextOffset, batch.nextOffset()); // past compacted or control records
                batch = null;
                records = null;
            }
            if (!batches.hasNext()) {
                return null;
            }
            batch = batches.next();
            if (batch.nextOffset() <= position) {
                batch = null;
                continue;
            }
            if (batch.partitionLeaderEpoch() >= 0) {
                leaderEpoch = batch.partitionLeaderEpoch();
            }
            if (batch.isControlBatch()) {
                nextOffset = Math.max(nextOffset, batch.nextOffset());
                batch = null;
                continue;
            }
            records = batch.iterator();
        }
    }

    private <K, V> ConsumerRecord<K, V> toConsumerRecord(Record r, Deserializer<K> keys, Deserializer<V> values) {
        RecordHeaders headers = new RecordHeaders(r.headers());
        K key = r.hasKey() ? keys.deserialize(tp.topic(), headers, r.key()) : null;
        V value = r.hasValue() ? values.deserialize(tp.topic(), headers, r.value()) : null;
        int epochOfBatch = batch.partitionLeaderEpoch();
        return new ConsumerRecord<>(tp.topic(), tp.partition(), r.offset(), r.timestamp(), batch.timestampType(),
                r.keySize(), r.valueSize(), key, value, headers,
                epochOfBatch >= 0 ? Optional.of(epochOfBatch) : Optional.empty());
    }
}
