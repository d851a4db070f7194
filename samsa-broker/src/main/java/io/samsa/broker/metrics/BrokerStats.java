package io.samsa.broker.metrics;

import java.util.concurrent.atomic.LongAdder;

/**
 * Broker-wide traffic counters (bytes and messages in and out), for the metrics endpoint. Thread-safe: request
 * handler and purgatory threads add, the metrics thread reads.
 */
public final class BrokerStats {
    public final LongAdder bytesIn = new LongAdder();
    public final LongAdder messagesIn = new LongAdder();
    public final LongAdder bytesOut = new LongAdder();

    public void recordAppend(int bytes, int records) {
        bytesIn.add(bytes);
        messagesIn.add(records);
    }

    public void recordFetch(long bytes) {
        bytesOut.add(bytes);
    }
}
