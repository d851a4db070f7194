package io.samsa.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.clients.producer.Callback;

/**
 * What a produce run delivered: records and bytes, and per partition the lowest and highest offset written.
 * Callbacks run on the producer's I/O thread, hence synchronized.
 */
final class DeliverySummary {
    private final String topic;
    private final long startNanos = System.nanoTime();
    private final Map<Integer, long[]> offsets = new TreeMap<>(); // partition -> {first, last, count}
    private long sent;
    private long delivered;
    private long bytes;
    private long failed;
    private Exception firstError;

    DeliverySummary(String topic) {
        this.topic = topic;
    }

    synchronized long sent() {
        return sent;
    }

    synchronized long failed() {
        return failed;
    }

    synchronized Exception firstError() {
        return firstError;
    }

    synchronized Callback callback(byte[] key, byte[] value) {
        sent++;
        int size = (key == null ? 0 : key.length) + (value == null ? 0 : value.length);
        return (metadata, exception) -> record(metadata == null ? -1 : metadata.partition(),
                metadata == null || !metadata.hasOffset() ? -1 : metadata.offset(), size, exception);
    }

    private synchronized void record(int partition, long offset, int size, Exception exception) {
        if (exception != null) {
            failed++;
            if (firstError == null) {
                firstError = exception;
            }
            return;
        }
        delivered++;
        bytes += size;
        long[] range = offsets.computeIfAbsent(partition, p -> new long[] {Long.MAX_VALUE, -1, 0});
        range[2]++;
        if (offset >= 0) {
            range[0] = Math.min(range[0], offset);
            range[1] = Math.max(range[1], offset);
        }
    }

    synchronized void print(PrintWriter out) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        out.printf("Sent %d record%s (%d bytes of keys and values) to %s in %.2f s%s%n", delivered,
                delivered == 1 ? "" : "s", bytes, topic, seconds, failed > 0 ? "; " + failed + " failed" : "");
        if (!offsets.isEmpty()) {
            Table table = new Table("PARTITION", "RECORDS", "OFFSETS");
            offsets.forEach((p, r) -> table.row(p, r[2], r[1] < 0 ? "unknown (acks=0)"
                    : r[0] == r[1] ? String.valueOf(r[0]) : r[0] + "-" + r[1]));
            table.print(out, "  ");
        }
        out.flush();
    }
}
