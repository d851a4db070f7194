package io.samsa.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.broker.testing.BrokerProcess;
import io.samsa.broker.testing.Clients;

/**
 * The broker in a child process is SIGKILLed while a producer writes to it continuously, then started again on
 * the same directory and port. Every acknowledged record must be readable at the offset it was acknowledged
 * with, with its value; each partition must read to its end without error (so the log ends on a whole batch);
 * and producing must continue after the recovered end.
 * <ul>
 * <li>{@link #acks1WithoutIdempotence()}: acks=1, idempotence OFF, retries=0; the producer is dropped at the kill.
 * <li>{@link #idempotentProducerRidesThroughTheRestart()}: the defaults (acks=all, idempotence ON); the same
 * producer keeps sending across kill and restart, so its unanswered batches are retried against the recovered
 * broker, which must not write any of them twice (producer state rebuilt from snapshot + log).
 * </ul>
 */
class CrashRecoveryTest {
    static final String TOPIC = "crash";
    static final int PARTITIONS = 3;
    /** Acks to wait for before the kill; the producer keeps sending past this point. */
    static final int ACKED_BEFORE_KILL = 30_000;
    static final Map<String, String> BROKER_PROPS = Map.of("internal.log.segment.bytes", "262144");

    @TempDir
    Path dataDir;

    record Ack(int partition, long offset, String value) {
    }

    /** Sends numbered records round-robin over the partitions as fast as the producer takes them. */
    static final class Sender {
        final ConcurrentLinkedQueue<Ack> acked = new ConcurrentLinkedQueue<>();
        final AtomicInteger ackCount = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicReference<Throwable> error = new AtomicReference<>();
        final Thread thread;

        Sender(KafkaProducer<byte[], byte[]> producer) {
            thread = new Thread(() -> {
                try {
                    for (int i = 0; !stop.get(); i++) {
                        String value = "crash-" + i + "-" + "v".repeat(i % 64);
                        producer.send(new ProducerRecord<>(TOPIC, i % PARTITIONS, null,
                                value.getBytes(StandardCharsets.UTF_8)), (md, err) -> {
                                    if (err != null) {
                                        failed.incrementAndGet();
                                    } else {
                                        acked.add(new Ack(md.partition(), md.offset(), value));
                                        ackCount.incrementAndGet();
                                    }
                                });
                    }
                } catch (Throwable t) {
                    if (!stop.get()) {
                        error.set(t);
                    }
                }
            }, "crash-sender");
            thread.start();
        }

        /** Waits (bounded: a liveness limit, not a speed assertion) until at least n records are acknowledged. */
        void awaitAcks(int n) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (ackCount.get() < n) {
                assertThat(error.get()).as("sender failed").isNull();
                assertThat(System.nanoTime()).as("producer stuck at %d of %d acks", ackCount.get(), n)
                        .isLessThan(deadline);
                Thread.sleep(20);
            }
        }

        void stop() throws InterruptedException {
            stop.set(true);
            thread.join();
        }
    }

    @Test
    void acks1WithoutIdempotence() throws Exception {
        int port = BrokerProcess.freePort();
        Sender sender;
        String output;
        try (BrokerProcess broker = BrokerProcess.start(dataDir, port, BROKER_PROPS)) {
            createTopic(broker);
            KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrapServers(), Map.of(
                    "acks", "1",
                    "enable.idempotence", "false",
                    "linger.ms", "1",
                    "batch.size", "8192",
                    "retries", "0",
                    "max.block.ms", "5000"));
            sender = new Sender(producer);
            sender.awaitAcks(ACKED_BEFORE_KILL);

            broker.kill(); // SIGKILL mid-stream: the sender is still sending
            output = broker.output();

            sender.stop.set(true);
            producer.close(Duration.ZERO); // fails whatever was not acknowledged
            sender.stop();
        }
        assertThat(output).as("the broker was killed, not stopped").doesNotContain("SAMSA-STOPPED");
        // Records still buffered or in flight at the kill were failed: the kill really came mid-stream.
        assertThat(sender.failed.get()).as("sends failed by the kill").isPositive();

        try (BrokerProcess broker = BrokerProcess.start(dataDir, port, BROKER_PROPS)) {
            verify(broker.bootstrapServers(), new ArrayList<>(sender.acked), false);
        }
    }

    @Test
    void idempotentProducerRidesThroughTheRestart() throws Exception {
        int port = BrokerProcess.freePort();
        Sender sender;
        BrokerProcess restarted = null;
        try (BrokerProcess broker = BrokerProcess.start(dataDir, port, BROKER_PROPS)) {
            createTopic(broker);
            // Defaults: acks=all, enable.idempotence=true, retries until delivery.timeout.ms.
            KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrapServers(),
                    Map.of("linger.ms", "1", "batch.size", "8192"));
            sender = new Sender(producer);
            try {
                sender.awaitAcks(ACKED_BEFORE_KILL);
                int ackedAtKill = sender.ackCount.get();
                broker.kill();
                restarted = BrokerProcess.start(dataDir, port, BROKER_PROPS);
                // The same producer carries on against the recovered broker.
                sender.awaitAcks(ackedAtKill + ACKED_BEFORE_KILL);
                sender.stop();
                producer.flush();
            } finally {
                sender.stop.set(true);
                producer.close(Duration.ofSeconds(30));
                sender.stop();
            }
            assertThat(sender.error.get()).isNull();
            assertThat(sender.failed.get()).as("idempotent sends failed across the restart").isZero();
        }
        try (BrokerProcess broker = restarted) {
            verify(broker.bootstrapServers(), new ArrayList<>(sender.acked), true);
        }
    }

    private static void createTopic(BrokerProcess broker) throws Exception {
        try (Admin admin = Clients.admin(broker.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1))).all().get();
        }
    }

    private static void verify(String bs, List<Ack> acks, boolean noDuplicates) throws Exception {
        assertThat(acks.size()).isGreaterThanOrEqualTo(ACKED_BEFORE_KILL);
        Map<Integer, Long> maxAcked = new HashMap<>();
        for (Ack a : acks) {
            maxAcked.merge(a.partition, a.offset, Math::max);
        }
        Set<TopicPartition> tps = new HashSet<>();
        for (int p = 0; p < PARTITIONS; p++) {
            tps.add(new TopicPartition(TOPIC, p));
        }
        Map<TopicPartition, Long> ends = Clients.endOffsets(bs, tps);
        Map<Integer, List<ConsumerRecord<byte[], byte[]>>> logs = new HashMap<>();
        Set<String> seen = new HashSet<>();
        for (TopicPartition tp : tps) {
            long end = ends.get(tp);
            assertThat(end).as("end offset of %s vs last acked offset", tp)
                    .isGreaterThanOrEqualTo(maxAcked.getOrDefault(tp.partition(), -1L) + 1);
            List<ConsumerRecord<byte[], byte[]>> rs = Clients.read(bs, tp, 0, end);
            assertThat(rs).as("records read from %s up to its end %d", tp, end).hasSize((int) end);
            for (int i = 0; i < rs.size(); i++) {
                assertThat(rs.get(i).offset()).as("%s record #%d", tp, i).isEqualTo(i);
                String v = new String(rs.get(i).value(), StandardCharsets.UTF_8);
                if (noDuplicates) {
                    assertThat(seen.add(v)).as("%s@%d: %s written twice", tp, i, v.substring(0, v.indexOf('-', 6)))
                            .isTrue();
                }
            }
            logs.put(tp.partition(), rs);
        }
        for (Ack a : acks) {
            String got = new String(logs.get(a.partition).get((int) a.offset).value(), StandardCharsets.UTF_8);
            assertThat(got).as("acked record at %s-%d@%d", TOPIC, a.partition, a.offset).isEqualTo(a.value);
        }

        // Producing continues right after the recovered end.
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bs, Map.of())) {
            for (TopicPartition tp : tps) {
                var md = producer.send(new ProducerRecord<>(TOPIC, tp.partition(), null,
                        "after-crash".getBytes(StandardCharsets.UTF_8))).get();
                assertThat(md.offset()).as("first offset after recovery in %s", tp).isEqualTo(ends.get(tp));
            }
        }
        for (TopicPartition tp : tps) {
            List<ConsumerRecord<byte[], byte[]>> last = Clients.read(bs, tp, ends.get(tp), ends.get(tp) + 1);
            assertThat(new String(last.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("after-crash");
        }
    }
}
