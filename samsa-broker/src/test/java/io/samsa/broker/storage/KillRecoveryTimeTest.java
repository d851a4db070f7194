package io.samsa.broker.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.broker.testing.BrokerProcess;
import io.samsa.broker.testing.Clients;

/**
 * kill -9 after a lot of data: every rolled segment is flushed in the background, so the recovery point trails
 * the active segment and the restart re-checks only the tail. For two data sizes (N/4 and N MiB): produce with
 * an idempotent producer (every record acknowledged), wait until the {@code recovery-point-offset-checkpoint}
 * has reached the active segment's base offset, SIGKILL, start again. Asserted: the broker's own log says it
 * recovered at most 2 segments of the partition, and every acknowledged record is there exactly once at its
 * acknowledged offset. Printed (a figure, not an assertion): the restart-to-listening time for each size.
 * Sizes: {@code -Dsamsa.killrecovery.mib} (default 128) and {@code -Dsamsa.killrecovery.segment.mib} (default 16).
 */
class KillRecoveryTimeTest {
    private static final String TOPIC = "killrec";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    private static final int MIB = Integer.getInteger("samsa.killrecovery.mib", 128);
    private static final int SEGMENT_MIB = Integer.getInteger("samsa.killrecovery.segment.mib", 16);
    private static final int VALUE_BYTES = 1000;
    private static final Pattern RECOVERED = Pattern.compile(TOPIC + "-0: recovered (\\d+) of (\\d+) segments");

    @TempDir
    Path tmp;

    @Test
    void restartAfterKillRecoversOnlyTheTail() throws Exception {
        String small = run(tmp.resolve("small"), Math.max(1, MIB / 4));
        String large = run(tmp.resolve("large"), MIB);
        System.out.println("KILL-9 RESTART TIMES (restart to listening): " + small + "; " + large);
    }

    /** One scenario; returns the printed figure. */
    private String run(Path dataDir, int mib) throws Exception {
        Files.createDirectories(dataDir);
        int port = BrokerProcess.freePort();
        int metricsPort = BrokerProcess.freePort();
        Map<String, String> props = Map.of(
                "internal.log.segment.bytes", Integer.toString(SEGMENT_MIB << 20),
                "log.flush.offset.checkpoint.interval.ms", "200",
                "metrics.port", Integer.toString(metricsPort));
        int records = (int) ((long) mib * (1 << 20) / VALUE_BYTES);
        long[] ackedOffset = new long[records];
        try (BrokerProcess broker = BrokerProcess.start(dataDir, port, props)) {
            try (Admin admin = Clients.admin(broker.bootstrapServers())) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
            }
            produce(broker.bootstrapServers(), records, ackedOffset);
            Path dir = PartitionFiles.partitionDir(dataDir, TOPIC, 0);
            List<Path> logs = PartitionFiles.files(dir, ".log");
            long activeBase = baseOffset(logs.get(logs.size() - 1));
            assertThat(logs.size()).as("segments for %d MiB", mib).isGreaterThanOrEqualTo(Math.max(2, mib / SEGMENT_MIB));
            awaitCheckpointAtLeast(dataDir, activeBase);
            broker.kill();
        }
        long startNs = System.nanoTime();
        try (BrokerProcess broker = BrokerProcess.start(dataDir, port, props)) {
            long restartMs = (System.nanoTime() - startNs) / 1_000_000;
            Matcher m = RECOVERED.matcher(broker.output());
            assertThat(m.find()).as("the broker logs what it recovered:\n%s", broker.output()).isTrue();
            int recovered = Integer.parseInt(m.group(1));
            int total = Integer.parseInt(m.group(2));
            assertThat(recovered).as("segments re-checked after kill -9 (of %d)", total).isLessThanOrEqualTo(2);
            verify(broker.bootstrapServers(), records, ackedOffset);
            broker.health(3, metricsPort).assertHealthy("restart after kill -9 with " + mib + " MiB", 0);
            return mib + " MiB (" + total + " segments, " + recovered + " recovered) -> " + restartMs + " ms";
        }
    }

    private static String value(int seq) {
        String head = "kr-" + seq + "-";
        return head + "x".repeat(VALUE_BYTES - head.length());
    }

    private static void produce(String bs, int records, long[] ackedOffset) throws Exception {
        Arrays.fill(ackedOffset, -1);
        AtomicReference<Exception> failure = new AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bs, Map.of(
                "linger.ms", "5", "batch.size", Integer.toString(256 * 1024),
                "buffer.memory", Integer.toString(64 << 20)))) {
            for (int i = 0; i < records; i++) {
                int seq = i;
                producer.send(new ProducerRecord<>(TOPIC, 0, null, value(i).getBytes(StandardCharsets.UTF_8)),
                        (md, err) -> {
                            if (err != null) {
                                failure.compareAndSet(null, err);
                            } else {
                                ackedOffset[seq] = md.offset();
                            }
                        });
            }
            producer.flush();
        }
        assertThat(failure.get()).as("send failures").isNull();
    }

    private static long baseOffset(Path logFile) {
        String n = logFile.getFileName().toString();
        return Long.parseLong(n.substring(0, n.indexOf('.')));
    }

    private static void awaitCheckpointAtLeast(Path dataDir, long offset) throws InterruptedException {
        Path file = dataDir.resolve("recovery-point-offset-checkpoint");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos(); // liveness bound only
        long seen = -1;
        while (seen < offset) {
            assertThat(System.nanoTime()).as("recovery point stuck at %d, active segment at %d", seen, offset)
                    .isLessThan(deadline);
            Thread.sleep(50);
            seen = PartitionFiles.readCheckpoint(file).getOrDefault(TOPIC + "-0", -1L);
        }
    }

    /** Streams the partition: each acknowledged record exactly once, at its acknowledged offset. */
    private static void verify(String bs, int records, long[] ackedOffset) {
        boolean[] seen = new boolean[records];
        long expectedOffset = 0;
        try (KafkaConsumer<byte[], byte[]> c = Clients.consumer(bs)) {
            c.assign(List.of(TP));
            c.seek(TP, 0);
            long lastProgress = System.nanoTime();
            while (expectedOffset < records) {
                var batch = c.poll(Duration.ofMillis(500));
                if (!batch.isEmpty()) {
                    lastProgress = System.nanoTime();
                }
                for (ConsumerRecord<byte[], byte[]> r : batch.records(TP)) {
                    assertThat(r.offset()).as("offsets are contiguous").isEqualTo(expectedOffset);
                    String v = new String(r.value(), StandardCharsets.UTF_8);
                    int seq = Integer.parseInt(v.substring(3, v.indexOf('-', 3)));
                    assertThat(v).isEqualTo(value(seq));
                    assertThat(seen[seq]).as("record %d read twice", seq).isFalse();
                    seen[seq] = true;
                    assertThat(r.offset()).as("offset of record %d", seq).isEqualTo(ackedOffset[seq]);
                    expectedOffset++;
                }
                assertThat(System.nanoTime() - lastProgress).as("consumer stuck at %d", expectedOffset)
                        .isLessThan(Duration.ofSeconds(60).toNanos());
            }
        }
        for (int i = 0; i < records; i++) {
            assertThat(seen[i]).as("acknowledged record %d is missing", i).isTrue();
        }
    }
}
