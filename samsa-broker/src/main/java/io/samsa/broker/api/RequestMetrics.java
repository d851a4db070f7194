package io.samsa.broker.api;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import org.apache.kafka.common.protocol.ApiKeys;

/** Per-API request counts and total time, read by the metrics endpoint. */
public final class RequestMetrics {
    private final Map<ApiKeys, Counters> byApi = new EnumMap<>(ApiKeys.class);

    public RequestMetrics() {
        for (ApiKeys k : ApiKeys.values()) {
            byApi.put(k, new Counters());
        }
    }

    void record(ApiKeys key, long nanos, boolean ok) {
        Counters c = byApi.get(key);
        c.requests.increment();
        c.totalNanos.add(nanos);
        if (!ok) {
            c.errors.increment();
        }
    }

    public Map<ApiKeys, Counters> byApi() {
        return byApi;
    }

    public static final class Counters {
        public final LongAdder requests = new LongAdder();
        public final LongAdder errors = new LongAdder();
        public final LongAdder totalNanos = new LongAdder();
    }
}
