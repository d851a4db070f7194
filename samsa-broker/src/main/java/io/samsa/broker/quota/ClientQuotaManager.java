package io.samsa.broker.quota;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import io.samsa.metadata.ClientQuotasImage;

/**
 * One quota type ({@link QuotaType}): resolves a request's user and client id to its quota bucket
 * ({@link QuotaResolution}, made once per metadata image), records the request's value into the bucket's
 * {@link SampledRate} and answers with the time the client must be throttled for, as Kafka's
 * {@code ClientQuotaManager}: none while the rate is within the quota, else
 * {@code (rate - quota) / quota × window} (the time after which the rate is back at the quota), for request
 * time bounded by one sample window as Kafka's {@code ClientRequestQuotaManager} bounds it. The value is
 * recorded even when it exceeds the quota (the client did use it); a Fetch that is answered empty instead takes
 * it back ({@link #unrecord}). Rates of buckets idle for an hour are dropped.
 *
 * <p>Thread-safe: request handler and purgatory threads record concurrently; a bucket's rate is updated under
 * its own lock. With no quota of this type in the image, {@link #recordAndGetThrottleMs} allocates nothing.
 */
public final class ClientQuotaManager {
    static final long IDLE_EXPIRY_MS = 60 * 60 * 1000L;
    private static final long SWEEP_INTERVAL_MS = 60 * 1000L;

    private final QuotaType type;
    private final QuotaConfig config;
    private final Supplier<ClientQuotasImage> images;
    private final long maxThrottleMs;
    private final ConcurrentHashMap<QuotaResolution.Tags, SampledRate> rates = new ConcurrentHashMap<>();
    private volatile QuotaResolution resolution;
    private volatile long lastSweepMs;
    private final LongAdder throttled = new LongAdder();
    private final LongAdder throttleMs = new LongAdder();

    /** @param images the current client quotas (the metadata image's), read on every request */
    public ClientQuotaManager(QuotaType type, QuotaConfig config, Supplier<ClientQuotasImage> images) {
        this.type = type;
        this.config = config;
        this.images = images;
        this.maxThrottleMs = type == QuotaType.REQUEST ? config.windowMs() : Long.MAX_VALUE;
        this.resolution = new QuotaResolution(ClientQuotasImage.EMPTY, type.key);
    }

    public QuotaType type() {
        return type;
    }

    /**
     * Records {@code value} (bytes, or percent-seconds of handler time) for the client at {@code nowMs}.
     *
     * @return how long to throttle the client, in ms; 0 within its quota or without one
     */
    public int recordAndGetThrottleMs(String user, String clientId, double value, long nowMs) {
        QuotaResolution.Bucket bucket = resolution().resolve(user, clientId);
        if (bucket == null) {
            return 0;
        }
        SampledRate rate = rates.computeIfAbsent(bucket.tags(), t -> new SampledRate(config));
        long throttle;
        synchronized (rate) {
            rate.record(value, nowMs);
            double measured = rate.measure(nowMs);
            // Kafka's Quota.upperBound: a rate equal to the quota is acceptable.
            throttle = measured <= bucket.quota() ? 0
                    : Math.round((measured - bucket.quota()) / bucket.quota() * rate.windowSizeMs(nowMs));
        }
        sweepIdle(nowMs);
        int ms = (int) Math.min(Math.min(throttle, maxThrottleMs), Integer.MAX_VALUE);
        if (ms > 0) {
            throttled.increment();
            throttleMs.add(ms);
        }
        return ms;
    }

    /** Takes back a value recorded for a response that was not sent after all (a throttled Fetch). */
    public void unrecord(String user, String clientId, double value, long nowMs) {
        QuotaResolution.Bucket bucket = resolution().resolve(user, clientId);
        SampledRate rate = bucket == null ? null : rates.get(bucket.tags());
        if (rate != null) {
            synchronized (rate) {
                rate.record(-value, nowMs);
            }
        }
    }

    /**
     * The most the client may take in one quota window ({@code quota × (windowNum - 1) × window seconds}, as
     * Kafka's {@code getMaxValueInQuotaWindow}), or {@link Double#MAX_VALUE} without a quota: a consumer's fetch is
     * capped at it, so that one response cannot earn a throttle longer than the window.
     */
    public double maxValueInQuotaWindow(String user, String clientId) {
        QuotaResolution.Bucket bucket = resolution().resolve(user, clientId);
        return bucket == null ? Double.MAX_VALUE
                : bucket.quota() * (config.windowNum() - 1) * config.windowSizeSeconds();
    }

    /** Responses this quota throttled, and their throttle times summed (for the metrics endpoint). */
    public long throttledCount() {
        return throttled.sum();
    }

    public long throttleTimeMsTotal() {
        return throttleMs.sum();
    }

    /** Buckets with a rate (for tests of the idle expiry). */
    int bucketCount() {
        return rates.size();
    }

    /** The resolution for the current image, made again only when the image changed (it is immutable). */
    private QuotaResolution resolution() {
        ClientQuotasImage image = images.get();
        QuotaResolution r = resolution;
        if (r.image != image) {
            r = new QuotaResolution(image, type.key);
            resolution = r; // racing threads may each build one: equal, and the last one stays
        }
        return r;
    }

    private void sweepIdle(long nowMs) {
        if (nowMs - lastSweepMs < SWEEP_INTERVAL_MS) {
            return;
        }
        lastSweepMs = nowMs;
        rates.entrySet().removeIf(e -> {
            synchronized (e.getValue()) {
                return nowMs - e.getValue().lastRecordMs() >= IDLE_EXPIRY_MS;
            }
        });
    }
}
