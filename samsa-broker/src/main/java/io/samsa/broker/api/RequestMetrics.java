package io.samsa.broker.api;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

import org.apache.kafka.common.protocol.ApiKeys;

/**
 * Per-API request counts and handling time, and the request queue's figures (time waited for a handler
 * thread, handler threads' busy time, queue length), read by the metrics endpoint. Written by the request
 * handler threads (and whichever thread completes a delayed response); read by the metrics thread.
 */
public final class RequestMetrics {
    private final Map<ApiKeys, Counters> byApi = new EnumMap<>(ApiKeys.class);
    private final LongAdder queueNanos = new LongAdder();
    private final LongAdder dequeued = new LongAdder();
    private final LongAdder handlerBusyNanos = new LongAdder();
    private volatile IntSupplier queueSize = () -> 0;

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

    void recordQueueTime(long nanos) {
        queueNanos.add(nanos);
        dequeued.increment();
    }

    void recordHandlerBusy(long nanos) {
        handlerBusyNanos.add(nanos);
    }

    /** Set once by the {@link RequestHandlerPool} that owns the queue. */
    void watchQueue(IntSupplier size) {
        this.queueSize = size;
    }

    public Map<ApiKeys, Counters> byApi() {
        return byApi;
    }

    /** Total time requests waited in the request queue for a handler thread. */
    public long queueNanos() {
        return queueNanos.sum();
    }

    /** Requests taken from the request queue by a handler thread. */
    public long dequeued() {
        return dequeued.sum();
    }

    /** Total time handler threads spent running requests (not counting delayed completions). */
    public long handlerBusyNanos() {
        return handlerBusyNanos.sum();
    }

    /** Requests waiting in the request queue now. */
    public int queueSize() {
        return queueSize.getAsInt();
    }

    public static final class Counters {
        public final LongAdder requests = new LongAdder();
        public final LongAdder errors = new LongAdder();
        public final LongAdder totalNanos = new LongAdder();
    }
}
