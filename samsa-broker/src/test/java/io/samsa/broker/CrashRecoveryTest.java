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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
 * The broker in a child process is SIGKILLed while a producer (acks=1, idempotence OFF, so every ack is a
 * leader-append ack with no producer-state involvement) writes to it continuously. After a restart on the same
 * directory and port, every acknowledged record is readable at the offset it was acknowledged with, with its
 * value; each partition reads to its end without error (so the log ends on a whole batch); and producing
 * continues after the recovered end.
 */
class CrashRecoveryTest {
    static final String TOPIC = "crash";
    static final int PARTITIONS = 3;
    /** Acks to wait for before the kill; the producer keeps sending past this point. */
    static final int ACKED_BEFORE_KILL = 30_000;

    @TempDir
    Path dataDir;

    record Ack(int partition, long offset, String value) {
    }

    @Test
    void everyAcknowledgedRecordSurvivesSigkill() throws Exception {
        int port = BrokerProcess.freePort();
        Map<String, String> props = Map.of("log.segment.bytes", "262144");
        ConcurrentLinkedQueue<Ack> acked = new ConcurrentLinkedQueue<>();
        AtomicInteger ackCount = new AtomicInteger();
        AtomicInteger failedSends = new AtomicInteger();
        String output;

        try (BrokerProcess broker = BrokerProcess.start(dataDir, port, props)) {
            try (Admin admin = Clients.admin(broker.bootstrapServers())) {
                admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1))).all().get();
            }
            CountDownLatch enough = new CountDownLatch(1);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> senderError = new AtomicReference<>();
            KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrapServers(), Map.of(
                    "acks", "1",
                    "enable.idempotence", "false",
                    "linger.ms", "1",
                    "batch.size", "8192",
                    "retries", "0",
                    "max.block.ms", "5000"));
            Thread sender = new Thread(() -> {
                try {
                    for (int i = 0; !stop.get(); i++) {
                        String value = "crash-" + i + "-" + "v".repeat(i % 64);
                        producer.send(new ProducerRecord<>(TOPIC, i % PARTITIONS, null,
                                value.getBytes(StandardCharsets.UTF_8)), (md, err) -> {
                                    if (err != null) {
                                        failedSends.incrementAndGet();
                                    } else {
                                        acked.add(new Ack(md.partition(), md.offset(), value));
                                        if (ackCount.incrementAndGet() >= ACKED_BEFORE_KILL) {
                                            enough.countDown();
                                        }
                                    }
                                });
                    }
                } catch (Throwable t) {
                    if (!stop.get()) {
                        senderError.set(t);
                    }
                    enough.countDown();
                }
            }, "crash-sender");
            sender.start();
            assertThat(enough.await(120, TimeUnit.SECONDS)).as("producer made no progress").isTrue();
            assertThat(senderError.get()).as("sender failed before the kill").isNull();

            broker.kill(); // SIGKILL mid-stream: the sender is still sending
            output = broker.output();

            stop.set(true);
            producer.close(Duration.ZERO); // fails whatever was not acknowledged
            sender.join();
        }
        assertThat(output).as("the broker was killed, not stopped").doesNotContain("SAMSA-STOPPED");
        // Records still buffered or in flight at the kill were failed: the kill really came mid-stream.
        assertThat(failedSends.get()).as("sends failed by the kill").isPositive();

        List<Ack> acks = new ArrayList<>(acked);
        assertThat(acks.size()).isGreaterThanOrEqualTo(ACKED_BEFORE_KILL);
        Map<Integer, Long> maxAcked = new HashMap<>();
        for (Ack a : acks) {
            maxAcked.merge(a.partition, a.offset, Math::max);
        }

        try (BrokerProcess broker = BrokerProcess.start(dataDir, port, props)) {
            String bs = broker.bootstrapServers();
            Set<TopicPartition> tps = new HashSet<>();
            for (int p = 0; p < PARTITIONS; p++) {
                tps.add(new TopicPartition(TOPIC, p));
            }
            Map<TopicPartition, Long> ends = Clients.endOffsets(bs, tps);
            Map<Integer, List<ConsumerRecord<byte[], byte[]>>> logs = new HashMap<>();
            for (TopicPartition tp : tps) {
                long end = ends.get(tp);
                assertThat(end).as("end offset of %s vs last acked offset", tp)
                        .isGreaterThanOrEqualTo(maxAcked.getOrDefault(tp.partition(), -1L) + 1);
                List<ConsumerRecord<byte[], byte[]>> rs = Clients.read(bs, tp, 0, end);
                assertThat(rs).as("records read from %s up to its end %d", tp, end).hasSize((int) end);
                for (int i = 0; i < rs.size(); i++) {
                    assertThat(rs.get(i).offset()).as("%s record #%d", tp, i).isEqualTo(i);
                }
                logs.put(tp.partition(), rs);
            }
            int checked = 0;
            for (Ack a : acks) {
                String got = new String(logs.get(a.partition).get((int) a.offset).value(), StandardCharsets.UTF_8);
                assertThat(got).as("acked record at %s-%d@%d", TOPIC, a.partition, a.offset).isEqualTo(a.value);
                checked++;
            }
            assertThat(checked).isEqualTo(acks.size());

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
}
