package io.samsa.broker.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.broker.testing.BrokerProcess;
import io.samsa.broker.testing.Clients;

/**
 * Disk full: log.dirs on a small tmpfs (mounted by the test; skipped when mount is not permitted), most of it
 * taken by a filler file written first. An idempotent producer writes until the disk is full; a probe producer
 * without retries must then get KAFKA_STORAGE_ERROR, and the broker must stay up and answer. The filler is
 * deleted and production must resume (the idempotent producer's retries go through). After a clean restart
 * every acknowledged record is there exactly once at its acknowledged offset, offsets are contiguous, and no
 * record the producer was told failed is in the log. Size: {@code -Dsamsa.diskfull.tmpfs.mib} (default 64).
 */
class DiskFullTest {
    private static final String TOPIC = "diskfull";
    private static final String PROBE_TOPIC = "diskfull-probe";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    private static final int TMPFS_MIB = Integer.getInteger("samsa.diskfull.tmpfs.mib", 64);
    private static final int VALUE_BYTES = 1000;

    @TempDir
    Path tmp;

    @Test
    void diskFullGivesAStorageErrorLosesNothingAndWritingResumesOnceSpaceIsFreed() throws Exception {
        Path mount = tmp.resolve("tmpfs");
        Files.createDirectories(mount);
        Assumptions.assumeTrue(mountTmpfs(mount), "mounting a tmpfs is not permitted here (needs root)");
        try {
            scenario(mount);
        } finally {
            run("umount", "-l", mount.toString());
        }
    }

    private void scenario(Path mount) throws Exception {
        Path filler = mount.resolve("filler");
        writeFiller(filler, (TMPFS_MIB - 16L) << 20);
        Path dataDir = mount.resolve("data");
        int port = BrokerProcess.freePort();
        int metricsPort = BrokerProcess.freePort();
        Map<String, String> props = Map.of("internal.log.segment.bytes", Integer.toString(4 << 20),
                "metrics.port", Integer.toString(metricsPort));
        Map<Integer, Long> acked = new ConcurrentHashMap<>();
        Set<Integer> failed = ConcurrentHashMap.newKeySet();
        AtomicInteger sent = new AtomicInteger();
        try (BrokerProcess broker = BrokerProcess.start(dataDir, port, props)) {
            String bs = broker.bootstrapServers();
            try (Admin admin = Clients.admin(bs)) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1), new NewTopic(PROBE_TOPIC, 1, (short) 1)))
                        .all().get();
            }
            AtomicBoolean stop = new AtomicBoolean();
            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bs, Map.of("linger.ms", "5",
                    "batch.size", "65536", "buffer.memory", Integer.toString(8 << 20),
                    "delivery.timeout.ms", "300000", "request.timeout.ms", "10000", "max.block.ms", "300000"));
                    KafkaProducer<byte[], byte[]> probe = Clients.producer(bs, Map.of("enable.idempotence", "false",
                            "acks", "1", "retries", "0", "max.block.ms", "10000"))) {
                Thread sender = new Thread(() -> {
                    for (int i = 0; !stop.get(); i++) {
                        int seq = i;
                        sent.incrementAndGet();
                        producer.send(new ProducerRecord<>(TOPIC, 0, null, value(i).getBytes(StandardCharsets.UTF_8)),
                                (md, err) -> {
                                    if (err != null) {
                                        failed.add(seq);
                                    } else {
                                        acked.put(seq, md.offset());
                                    }
                                });
                    }
                }, "diskfull-sender");
                sender.start();
                try {
                    awaitStorageError(probe, broker);
                    assertThat(broker.isAlive()).isTrue();
                    int ackedWhenFull = acked.size();
                    assertThat(ackedWhenFull).as("records acknowledged before the disk filled").isPositive();
                    try {
                        broker.health(3, -1).everyNetworkThreadAnswers("disk full");
                    } catch (AssertionError e) {
                        throw new AssertionError(e.getMessage() + "\n--- the broker's last output ---\n"
                                + broker.outputTail(60), e);
                    }

                    Files.delete(filler); // free the space: the producer's retries must now go through
                    await("production resumes after space is freed (acked " + acked.size() + ")",
                            () -> acked.size() >= ackedWhenFull + 5_000);
                } finally {
                    stop.set(true);
                    sender.join();
                }
                producer.flush();
            }
            assertThat(failed).as("sends the producer was told failed").isEmpty();
            broker.stop();
            assertThat(broker.output()).contains("SAMSA-STOPPED");
        }
        try (BrokerProcess broker = BrokerProcess.start(dataDir, port, props)) {
            verify(broker.bootstrapServers(), acked, failed);
            broker.health(3, metricsPort).assertHealthy("after a full disk was freed and a restart", 0);
        }
    }

    /** Sends probe records (no retries) until one fails with KAFKA_STORAGE_ERROR; the broker must stay up. */
    private static void awaitStorageError(KafkaProducer<byte[], byte[]> probe, BrokerProcess broker) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120); // liveness bound only
        while (true) {
            assertThat(System.nanoTime()).as("the disk never filled up").isLessThan(deadline);
            assertThat(broker.isAlive()).as("broker process alive\n%s", broker.output()).isTrue();
            try {
                probe.send(new ProducerRecord<>(PROBE_TOPIC, 0, null, new byte[VALUE_BYTES])).get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                assertThat(e.getCause()).as("probe failure; the broker's last output:\n%s", broker.outputTail(60))
                        .isInstanceOf(KafkaStorageException.class);
                return;
            }
            Thread.sleep(100);
        }
    }

    private static void verify(String bs, Map<Integer, Long> acked, Set<Integer> failed) {
        Map<Long, Integer> byOffset = new ConcurrentHashMap<>();
        long expected = 0;
        long end = acked.values().stream().mapToLong(Long::longValue).max().orElse(-1) + 1;
        Set<Integer> seen = ConcurrentHashMap.newKeySet();
        try (KafkaConsumer<byte[], byte[]> c = Clients.consumer(bs)) {
            c.assign(List.of(TP));
            long logEnd = c.endOffsets(List.of(TP)).get(TP);
            assertThat(logEnd).isGreaterThanOrEqualTo(end);
            c.seek(TP, 0);
            long lastProgress = System.nanoTime();
            while (expected < logEnd) {
                var batch = c.poll(Duration.ofMillis(500));
                if (!batch.isEmpty()) {
                    lastProgress = System.nanoTime();
                }
                for (ConsumerRecord<byte[], byte[]> r : batch.records(TP)) {
                    assertThat(r.offset()).as("offsets are contiguous").isEqualTo(expected++);
                    String v = new String(r.value(), StandardCharsets.UTF_8);
                    int seq = Integer.parseInt(v.substring(3, v.indexOf('-', 3)));
                    assertThat(v).isEqualTo(value(seq));
                    assertThat(seen.add(seq)).as("record %d written twice", seq).isTrue();
                    assertThat(failed).as("record %d was reported failed but is in the log", seq).doesNotContain(seq);
                    byOffset.put(r.offset(), seq);
                }
                assertThat(System.nanoTime() - lastProgress).as("consumer stuck at %d", expected)
                        .isLessThan(Duration.ofSeconds(60).toNanos());
            }
        }
        acked.forEach((seq, offset) -> assertThat(byOffset.get(offset)).as("acknowledged record %d at %d", seq, offset)
                .isEqualTo(seq));
    }

    private static String value(int seq) {
        String head = "df-" + seq + "-";
        return head + "d".repeat(VALUE_BYTES - head.length());
    }

    private static void writeFiller(Path file, long bytes) throws IOException {
        byte[] chunk = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long written = 0; written < bytes; written += chunk.length) {
                out.write(chunk);
            }
        }
    }

    private static boolean mountTmpfs(Path dir) {
        return run("mount", "-t", "tmpfs", "-o", "size=" + TMPFS_MIB + "m", "tmpfs", dir.toString());
    }

    private static boolean run(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void await(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120); // liveness bound only
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
