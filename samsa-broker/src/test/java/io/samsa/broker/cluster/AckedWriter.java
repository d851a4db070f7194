package io.samsa.broker.cluster;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import io.samsa.broker.testing.Clients;

/**
 * A stock idempotent acks=all KafkaProducer writing numbered values ({@code w-<n>}) round-robin over a topic's
 * partitions, on its own thread, until stopped; every acknowledgement is recorded with its partition and offset.
 * Sends are paced by a bound on unacknowledged records, so a pause in acknowledgements pauses the writer.
 */
final class AckedWriter implements AutoCloseable {
    /** One acknowledged record. */
    record Ack(String value, int partition, long offset) {
    }

    private static final int MAX_UNACKED = 200;

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final int partitions;
    private final List<Ack> acks = new ArrayList<>();
    private final AtomicInteger unacked = new AtomicInteger();
    private final AtomicReference<Exception> lastError = new AtomicReference<>();
    private final Thread thread;
    private volatile boolean stopped;

    AckedWriter(String bootstrap, String topic, int partitions) {
        this.producer = Clients.producer(bootstrap, Map.of("acks", "all", "enable.idempotence", "true",
                "linger.ms", "5", "retries", String.valueOf(Integer.MAX_VALUE), "delivery.timeout.ms", "120000",
                "request.timeout.ms", "5000", "retry.backoff.ms", "50", "metadata.max.age.ms", "5000"));
        this.topic = topic;
        this.partitions = partitions;
        this.thread = new Thread(this::run, "acked-writer-" + topic);
    }

    AckedWriter start() {
        thread.start();
        return this;
    }

    private void run() {
        long n = 0;
        while (!stopped) {
            if (unacked.get() >= MAX_UNACKED) {
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
                continue;
            }
            String value = "w-" + n;
            int partition = (int) (n % partitions);
            n++;
            unacked.incrementAndGet();
            producer.send(new ProducerRecord<>(topic, partition, null, value.getBytes(StandardCharsets.UTF_8)),
                    (md, e) -> {
                        unacked.decrementAndGet();
                        if (e != null) {
                            lastError.set(e);
                            return;
                        }
                        synchronized (acks) {
                            acks.add(new Ack(value, md.partition(), md.offset()));
                            acks.notifyAll();
                        }
                    });
        }
    }

    int ackCount() {
        synchronized (acks) {
            return acks.size();
        }
    }

    /** Waits until {@code more} further records are acknowledged (a liveness bound, not a speed check). */
    void awaitMoreAcks(int more, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        synchronized (acks) {
            int target = acks.size() + more;
            while (acks.size() < target) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    throw new AssertionError("only " + (acks.size() - target + more) + " of " + more
                            + " further acknowledgements within " + timeoutMs + " ms; last send error: "
                            + lastError.get());
                }
                acks.wait(left);
            }
        }
    }

    /** Stops sending and waits for every outstanding send to end (acknowledged or failed). */
    List<Ack> stop() throws InterruptedException {
        stopped = true;
        thread.join();
        producer.flush();
        synchronized (acks) {
            return List.copyOf(acks);
        }
    }

    Exception lastError() {
        return lastError.get();
    }

    @Override
    public void close() throws InterruptedException {
        stopped = true;
        thread.join();
        producer.close();
    }
}
