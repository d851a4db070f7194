package io.samsa.bench.compare;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The failover runs' writer: a stock KafkaProducer, acks=all and idempotent, client defaults otherwise, sending
 * at a fixed rate round-robin over the topic's partitions from its own thread. Each record's value carries its
 * sequence number and its send time ({@code System.nanoTime()}, 8 bytes each, padded to 100 bytes); each ack is
 * handed to the round being watched ({@link #watch}). Counts acks, failures and acks out of offset order.
 */
final class FailoverProducer implements AutoCloseable {
    private static final int RECORD_SIZE = 100;

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final int partitions;
    private final long periodNanos;
    private final Thread sender;
    private final AtomicReference<WritePause> watched = new AtomicReference<>();
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong outOfOrder = new AtomicLong();
    private final ConcurrentHashMap<Integer, Long> lastOffset = new ConcurrentHashMap<>();
    private final AtomicReference<String> lastError = new AtomicReference<>("");
    private volatile boolean running = true;

    FailoverProducer(String bootstrap, String topic, int partitions, int rate) {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", bootstrap);
        p.setProperty("acks", "all");
        p.setProperty("enable.idempotence", "true");
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        this.topic = topic;
        this.partitions = partitions;
        this.periodNanos = TimeUnit.SECONDS.toNanos(1) / rate;
        this.sender = new Thread(this::sendLoop, "failover-producer");
        sender.setDaemon(true);
    }

    void start() {
        sender.start();
    }

    /** Acks from now on also go to {@code round} (null: to none). */
    void watch(WritePause round) {
        watched.set(round);
    }

    long acked() {
        return acked.get();
    }

    long failed() {
        return failed.get();
    }

    long outOfOrder() {
        return outOfOrder.get();
    }

    String lastError() {
        return lastError.get();
    }

    /** Fixed timetable (no coordinated omission): a blocked send is followed by the sends it held up. */
    private void sendLoop() {
        long next = System.nanoTime();
        long seq = 0;
        while (running) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
                continue;
            }
            next += periodNanos;
            int partition = (int) (seq % partitions);
            long sendNanos = System.nanoTime();
            byte[] value = ByteBuffer.allocate(RECORD_SIZE).putLong(seq).putLong(sendNanos).array();
            seq++;
            try {
                producer.send(new ProducerRecord<>(topic, partition, null, value), (md, e) -> {
                    long ackNanos = System.nanoTime();
                    if (e != null) {
                        failed.incrementAndGet();
                        lastError.set(e.toString());
                        return;
                    }
                    acked.incrementAndGet();
                    Long before = lastOffset.put(md.partition(), md.offset());
                    if (before != null && md.offset() <= before) {
                        outOfOrder.incrementAndGet();
                    }
                    WritePause round = watched.get();
                    if (round != null) {
                        round.onAck(md.partition(), sendNanos, ackNanos);
                    }
                });
            } catch (RuntimeException e) {
                failed.incrementAndGet();
                lastError.set(e.toString());
            }
        }
    }

    /** Stops sending and waits (up to 30 s) for the acks of what was sent; a second call does nothing. */
    @Override
    public void close() {
        if (!running) {
            return;
        }
        running = false;
        try {
            sender.join(TimeUnit.SECONDS.toMillis(70));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(30));
    }
}
