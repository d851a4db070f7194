package io.samsa.broker;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.samsa.log.LogManager;

/**
 * Every {@code producer.id.expiration.check.interval.ms} (Kafka: 10 minutes) forgets the producer ids that have
 * been idle for {@code producer.id.expiration.ms} (Kafka: 1 day) in every log, so that producer state — and the
 * snapshots written from it — stays bounded by the producers actually in use. Runs on its own daemon thread;
 * a failed pass is logged and the next one runs as planned.
 */
final class ProducerIdExpiration implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ProducerIdExpiration.class);

    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "samsa-producer-id-expiration");
        t.setDaemon(true);
        return t;
    });

    ProducerIdExpiration(LogManager logs, long expirationMs, long checkIntervalMs) {
        thread.scheduleWithFixedDelay(() -> {
            try {
                int removed = logs.removeExpiredProducers(expirationMs);
                if (removed > 0) {
                    log.info("Expired {} producer ids idle for {} ms or more", removed, expirationMs);
                }
            } catch (RuntimeException | Error e) {
                log.error("Producer id expiration pass failed", e);
            }
        }, checkIntervalMs, checkIntervalMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
