package io.samsa.broker.handler;

import java.util.concurrent.atomic.LongAdder;

/** Broker-wide traffic counters (bytes and messages in and out), for the metrics endpoint. */
public final class BrokerStats {
    public final LongAdder bytesIn = new LongAdder();
    public final LongAdder messagesIn = new LongAdder();
    public final LongAdder bytesOut = new LongAdder();

    void recordAppend(int bytes, int records) {
        bytesIn.add(bytes);
        messagesIn.add(records);
    }

    void recordFetch(long bytes) {
        bytesOut.add(bytes);
    }
}
