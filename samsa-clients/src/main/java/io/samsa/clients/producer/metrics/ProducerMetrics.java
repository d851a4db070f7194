package io.samsa.clients.producer.metrics;

import java.util.Map;
import java.util.function.LongSupplier;

import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.MetricConfig;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.Avg;
import org.apache.kafka.common.metrics.stats.Max;
import org.apache.kafka.common.metrics.stats.Meter;

/**
 * Sensors under KafkaProducer's metric names, recorded by the I/O thread per batch and per request (never per
 * record on the caller's path), so they cost the hot path nothing.
 */
public final class ProducerMetrics implements AutoCloseable {
    public static final String GROUP = "producer-metrics";

    private final Metrics metrics;
    private final Map<String, String> tags;
    private final Sensor recordSend;
    private final Sensor batchSize;
    private final Sensor compressionRate;
    private final Sensor queueTime;
    private final Sensor requestLatency;
    private final Sensor recordsPerRequest;
    private final Sensor retries;
    private final Sensor errors;
    private final Sensor requests;
    private final Sensor outgoingBytes;
    private final Sensor batchSplits;
    private final Sensor throttleTime;

    public ProducerMetrics(String clientId, LongSupplier availableBytes, LongSupplier totalBytes,
                           LongSupplier bufferWaitNanos) {
        this.metrics = new Metrics(new MetricConfig());
        this.tags = Map.of("client-id", clientId);
        recordSend = metrics.sensor("record-send");
        recordSend.add(new Meter(name("record-send-rate", "The average number of records sent per second."),
                name("record-send-total", "The total number of records sent.")));
        batchSize = metrics.sensor("batch-size");
        batchSize.add(name("batch-size-avg", "The average number of bytes sent per partition per-request."), new Avg());
        batchSize.add(name("batch-size-max", "The max number of bytes sent per partition per-request."), new Max());
        compressionRate = metrics.sensor("compression-rate");
        compressionRate.add(name("compression-rate-avg", "The average compression rate of record batches."),
                new Avg());
        queueTime = metrics.sensor("queue-time");
        queueTime.add(name("record-queue-time-avg", "The average time in ms record batches spent in the send buffer."),
                new Avg());
        queueTime.add(name("record-queue-time-max", "The maximum time in ms record batches spent in the send buffer."),
                new Max());
        requestLatency = metrics.sensor("request-latency");
        requestLatency.add(name("request-latency-avg", "The average request latency in ms"), new Avg());
        requestLatency.add(name("request-latency-max", "The maximum request latency in ms"), new Max());
        recordsPerRequest = metrics.sensor("records-per-request");
        recordsPerRequest.add(name("records-per-request-avg", "The average number of records per request."),
                new Avg());
        retries = metrics.sensor("record-retries");
        retries.add(new Meter(name("record-retry-rate", "The average per-second number of retried record sends"),
                name("record-retry-total", "The total number of retried record sends")));
        errors = metrics.sensor("errors");
        errors.add(new Meter(name("record-error-rate", "The average per-second number of record sends that resulted"
                + " in errors"), name("record-error-total", "The total number of record sends that resulted in errors")));
        requests = metrics.sensor("requests");
        requests.add(new Meter(name("request-rate", "The number of requests sent per second"),
                name("request-total", "The total number of requests sent")));
        outgoingBytes = metrics.sensor("outgoing-bytes");
        outgoingBytes.add(new Meter(name("outgoing-byte-rate", "The number of outgoing bytes sent per second"),
                name("outgoing-byte-total", "The total number of outgoing bytes sent")));
        batchSplits = metrics.sensor("batch-split");
        batchSplits.add(new Meter(name("batch-split-rate", "The average number of batch splits per second"),
                name("batch-split-total", "The total number of batch splits")));
        throttleTime = metrics.sensor("produce-throttle-time");
        throttleTime.add(name("produce-throttle-time-avg", "The average time in ms a request was throttled by a broker"),
                new Avg());
        throttleTime.add(name("produce-throttle-time-max", "The maximum time in ms a request was throttled by a broker"),
                new Max());
        metrics.addMetric(name("buffer-available-bytes", "The total amount of buffer memory that is not being used"),
                (Gauge<Long>) (config, now) -> availableBytes.getAsLong());
        metrics.addMetric(name("buffer-total-bytes", "The maximum amount of buffer memory the client can use"),
                (Gauge<Long>) (config, now) -> totalBytes.getAsLong());
        metrics.addMetric(name("bufferpool-wait-time-ns-total", "The total time in nanoseconds an appender waits"
                + " for space allocation."), (Gauge<Long>) (config, now) -> bufferWaitNanos.getAsLong());
    }

    private MetricName name(String name, String description) {
        return metrics.metricName(name, GROUP, description, tags);
    }

    /** A batch acknowledged. */
    public void batchSent(int records, int bytes, int uncompressedBytes, long queueTimeMs) {
        long now = System.currentTimeMillis();
        recordSend.record(records, now);
        batchSize.record(bytes, now);
        compressionRate.record(uncompressedBytes == 0 ? 1.0 : (double) bytes / uncompressedBytes, now);
        queueTime.record(queueTimeMs, now);
    }

    public void requestSent(int records, int bytes) {
        long now = System.currentTimeMillis();
        requests.record(1, now);
        recordsPerRequest.record(records, now);
        outgoingBytes.record(bytes, now);
    }

    public void requestCompleted(long latencyMs) {
        requestLatency.record(latencyMs);
    }

    public void retried(int records) {
        retries.record(records);
    }

    /** A response's throttle_time_ms (0 for most); every response counts, as in kafka-clients' NetworkClient. */
    public void throttleTime(int ms) {
        throttleTime.record(ms);
    }

    public void batchSplit() {
        batchSplits.record(1);
    }

    public void failed(int records) {
        errors.record(records);
    }

    public Map<MetricName, ? extends org.apache.kafka.common.Metric> metrics() {
        return metrics.metrics();
    }

    @Override
    public void close() {
        metrics.close();
    }
}
