package io.samsa.log;

import static io.samsa.log.TestBatches.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.SimpleRecord;

/** Keyed batches for log cleaner tests, and what a log holds per offset after reading it back. */
final class CompactedRecords {

    /** One record read back: its offset, key and value (null for a tombstone). */
    record Entry(long offset, String key, String value) {
    }

    private CompactedRecords() {
    }

    /** A batch of {@code keys} with value {@code "<key>@<round>"}, or tombstones when {@code round < 0}. */
    static ByteBuffer keyed(List<String> keys, int round, Compression compression) {
        SimpleRecord[] records = new SimpleRecord[keys.size()];
        for (int i = 0; i < records.length; i++) {
            String k = keys.get(i);
            records[i] = new SimpleRecord(NOW + round, k.getBytes(StandardCharsets.UTF_8),
                    round < 0 ? null : (k + "@" + round).getBytes(StandardCharsets.UTF_8));
        }
        return MemoryRecords.withRecords(compression, records).buffer();
    }

    /** As {@link #keyed}, as one transactional batch of {@code producerId} starting at {@code sequence}. */
    static ByteBuffer keyedTransactional(long producerId, short epoch, int sequence, List<String> keys, int round) {
        SimpleRecord[] records = new SimpleRecord[keys.size()];
        for (int i = 0; i < records.length; i++) {
            String k = keys.get(i);
            records[i] = new SimpleRecord(NOW + round, k.getBytes(StandardCharsets.UTF_8),
                    (k + "@" + round).getBytes(StandardCharsets.UTF_8));
        }
        return MemoryRecords.withTransactionalRecords(Compression.NONE, producerId, epoch, sequence, records)
                .buffer();
    }

    static List<String> keys(int from, int to) {
        List<String> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add("key-" + i);
        }
        return out;
    }

    /** Every record of the log from its start, in offset order, checking that offsets strictly increase. */
    static List<Entry> readAll(Log log) throws IOException {
        List<Entry> out = new ArrayList<>();
        long last = -1;
        for (MutableRecordBatch b : TestBatches.readAll(log, log.logStartOffset())) {
            if (b.isControlBatch()) {
                continue; // a transaction marker: no data record
            }
            for (Record r : b) {
                assertThat(r.offset()).isGreaterThan(last);
                last = r.offset();
                out.add(new Entry(r.offset(), r.hasKey() ? string(r.key()) : null,
                        r.hasValue() ? string(r.value()) : null));
            }
        }
        return out;
    }

    /** The newest value per key (null = tombstone), in key order. */
    static Map<String, Entry> latest(List<Entry> entries) {
        Map<String, Entry> out = new TreeMap<>();
        for (Entry e : entries) {
            out.put(e.key(), e);
        }
        return out;
    }

    /** How many records each key has. */
    static Map<String, Integer> counts(List<Entry> entries) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (Entry e : entries) {
            out.merge(e.key(), 1, Integer::sum);
        }
        return out;
    }

    private static String string(ByteBuffer b) {
        byte[] bytes = new byte[b.remaining()];
        b.duplicate().get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
