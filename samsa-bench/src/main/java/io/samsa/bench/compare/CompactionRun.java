package io.samsa.bench.compare;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The compaction benchmark for one broker kind (issue 13): one node with the same log cleaner settings for both
 * brokers; per repeat, a one-partition topic written full speed with {@code --compaction-keys} keys over and over
 * while its cleanup.policy is still delete (so nothing is cleaned during the writes), a {@link LatencyProbe} on a
 * second topic for a baseline window, then cleanup.policy=compact and the partition's size polled from outside
 * (Admin describeLogDirs, every 200 ms, the same call for both brokers) until the compaction is over
 * ({@link CleaningProgress}); the probe's latencies while cleaning are set against the baseline's. Runs on the
 * Compare thread; the probe has its own.
 */
final class CompactionRun {
    static final int SEGMENT_BYTES = 1024 * 1024; // Kafka's minimum segment.bytes: many segments to clean
    static final long DEDUPE_BUFFER_BYTES = 128L * 1024 * 1024;
    static final long BACKOFF_MS = 200;
    private static final long POLL_MS = 200;
    private static final long SETTLE_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(15);
    private static final long PROBE_WARMUP_MS = 2000;
    private static final int PROBE_MIN_SAMPLES = 200;

    private final Plan plan;
    private final Children children;
    private final Samples samples;
    private final List<String> notes;
    private final Path dir;

    CompactionRun(Plan plan, Children children, Samples samples, List<String> notes, Path dir) {
        this.plan = plan;
        this.children = children;
        this.samples = samples;
        this.notes = notes;
        this.dir = dir;
    }

    /** The broker settings both kinds get: one cleaner thread, 200 ms backoff, 128 MiB dedupe buffer, no I/O limit. */
    static Properties cleanerSettings() {
        Properties p = new Properties();
        p.setProperty("log.cleaner.enable", "true");
        p.setProperty("log.cleaner.threads", "1");
        p.setProperty("log.cleaner.backoff.ms", Long.toString(BACKOFF_MS));
        p.setProperty("log.cleaner.dedupe.buffer.size", Long.toString(DEDUPE_BUFFER_BYTES));
        p.setProperty("log.cleaner.io.max.bytes.per.second", Double.toString(Double.MAX_VALUE));
        return p;
    }

    static String cell(Plan plan) {
        return MarkdownReport.fmt(plan.compactionMb) + " MB, " + plan.compactionKeys + " keys, "
                + plan.compactionValueBytes + " B values";
    }

    static String cleanerClient() {
        return "log cleaner, 1 thread (size by describeLogDirs)";
    }

    static String probeClient(Plan plan) {
        return "KafkaProducer acks=all " + plan.probeRate + "/s, " + plan.compactionValueBytes + " B";
    }

    void run(String kind) {
        log(kind + ": starting one node for the compaction runs");
        try (BrokerProcess broker = BrokerProcess.start(kind, plan, children, dir, cleanerSettings());
             Admin admin = Admin.create(Compare.clientProps(broker.bootstrap()))) {
            int brokerId = admin.describeCluster().nodes().get(60, TimeUnit.SECONDS).iterator().next().id();
            for (int rep = 0; rep < plan.repeats; rep++) {
                repeat(broker, admin, brokerId, rep);
            }
        } catch (Exception e) {
            throw e instanceof RuntimeException r ? r : new IllegalStateException(e.toString(), e);
        } finally {
            Compare.deleteTree(dir);
        }
    }

    private void repeat(BrokerProcess broker, Admin admin, int brokerId, int rep) throws Exception {
        String kind = broker.kind();
        String topic = "compacted-" + rep;
        String probeTopic = "probe-" + rep;
        TopicPartition tp = new TopicPartition(topic, 0);
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1).configs(dataTopicConfigs()),
                new NewTopic(probeTopic, 1, (short) 1))).all().get(60, TimeUnit.SECONDS);

        log(kind + ": repeat " + (rep + 1) + "/" + plan.repeats + ": writing " + cell(plan) + " (not yet compacted)");
        double writeMbPerS = write(broker, topic);
        long before = partitionSize(admin, brokerId, tp);
        long target = (long) (plan.compactionKeys * (plan.compactionValueBytes + 16) * 1.5) + SEGMENT_BYTES;

        try (LatencyProbe probe = new LatencyProbe(broker.bootstrap(), probeTopic, plan.probeRate,
                plan.compactionValueBytes)) {
            probe.start();
            BrokerProcess.sleep(PROBE_WARMUP_MS);
            long baseFrom = System.nanoTime();
            BrokerProcess.sleep(TimeUnit.SECONDS.toMillis(plan.baselineSeconds));
            long cleanFrom = System.nanoTime();
            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, topic),
                    List.of(new AlterConfigOp(new ConfigEntry("cleanup.policy", "compact"), AlterConfigOp.OpType.SET))))
                    .all().get(60, TimeUnit.SECONDS);
            CleaningProgress progress = new CleaningProgress(before, target, cleanFrom, SETTLE_NANOS, STALL_NANOS);
            OptionalLong end = awaitCleaned(broker, admin, brokerId, tp, progress);
            probe.close();
            if (probe.failed() > 0) {
                notes.add(kind + " repeat " + (rep + 1) + ": " + probe.failed() + " probe send(s) failed; last error: "
                        + probe.lastError());
            }
            String what = kind + " repeat " + (rep + 1);
            if (end.isEmpty()) {
                notes.add(what + ": the partition did not get smaller (or kept changing) within "
                        + plan.cleanerTimeoutSeconds + " s: " + mb(before) + " MB before, " + mb(progress.size())
                        + " MB at the end; no cleaning figures");
                log(what + ": FAILED, no compaction seen within " + plan.cleanerTimeoutSeconds + " s");
                return;
            }
            double cleanS = (end.getAsLong() - cleanFrom) / 1e9;
            double[] base = probe.latenciesMs(baseFrom, cleanFrom);
            double[] cleaning = probe.latenciesMs(cleanFrom, end.getAsLong());
            record(kind, rep, writeMbPerS, before, progress.size(), cleanS, base, cleaning);
            String line = String.format(Locale.ROOT, "%s: %s MB → %s MB in %.1f s (%.0f MB/s of log cleaned%s); "
                            + "probe p99 %.1f ms while cleaning (%d sends) vs %.1f ms baseline (%d sends)", what,
                    mb(before), mb(progress.size()), cleanS, before / 1e6 / cleanS,
                    progress.reachedTarget() ? "" : ", **above the expected compacted size " + mb(target) + " MB**",
                    LatencyProbe.quantile(cleaning, 0.99), cleaning.length, LatencyProbe.quantile(base, 0.99),
                    base.length);
            notes.add(line);
            log(line);
            if (cleaning.length < PROBE_MIN_SAMPLES) {
                notes.add(what + ": only " + cleaning.length + " probe sends while cleaning; its p99 is rough"
                        + " (write more with --compaction-mb)");
            }
        } finally {
            admin.deleteTopics(List.of(topic, probeTopic)).all().get(60, TimeUnit.SECONDS);
        }
    }

    /** Written with cleanup.policy=delete and no retention limit; switched to compact once the writes are done. */
    private static Map<String, String> dataTopicConfigs() {
        return Map.of("cleanup.policy", "delete", "retention.ms", "-1", "retention.bytes", "-1",
                "segment.bytes", Integer.toString(SEGMENT_BYTES),
                "segment.ms", Long.toString(TimeUnit.DAYS.toMillis(7)),
                "min.cleanable.dirty.ratio", "0.01", "min.compaction.lag.ms", "0");
    }

    /**
     * Full speed, acks=1, linger.ms 5, batch.size 64 KiB, uncompressed: the keys in turn, over and over, so the
     * last write of every key is in the last {@code keys} records; returns MB/s of values acknowledged.
     */
    private double write(BrokerProcess broker, String topic) {
        Properties p = Compare.clientProps(broker.bootstrap());
        p.setProperty("acks", "1");
        p.setProperty("linger.ms", "5");
        p.setProperty("batch.size", Integer.toString(64 * 1024));
        long records = (long) (plan.compactionMb * 1e6 / plan.compactionValueBytes);
        byte[][] values = new byte[64][plan.compactionValueBytes];
        for (byte[] v : values) {
            ThreadLocalRandom.current().nextBytes(v);
        }
        AtomicLong failed = new AtomicLong();
        AtomicReference<String> lastError = new AtomicReference<>("");
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (long i = 0; i < records; i++) {
                byte[] key = String.format(Locale.ROOT, "key-%08d", i % plan.compactionKeys)
                        .getBytes(StandardCharsets.UTF_8);
                producer.send(new ProducerRecord<>(topic, 0, key, values[(int) (i % values.length)]), (md, e) -> {
                    if (e != null) {
                        failed.incrementAndGet();
                        lastError.set(e.toString());
                    }
                });
            }
            producer.flush();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (failed.get() > 0) {
            throw new IllegalStateException(broker.kind() + ": " + failed.get() + " of " + records
                    + " writes failed; last error: " + lastError.get());
        }
        return records * (double) plan.compactionValueBytes / 1e6 / seconds;
    }

    private OptionalLong awaitCleaned(BrokerProcess broker, Admin admin, int brokerId, TopicPartition tp,
                                      CleaningProgress progress) throws Exception {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(plan.cleanerTimeoutSeconds);
        for (long tick = 1; System.nanoTime() < deadline; tick++) {
            if (!broker.alive()) {
                throw new IllegalStateException(broker.kind() + " broker exited while cleaning ("
                        + broker.exitDescription() + ")");
            }
            long now = System.nanoTime();
            OptionalLong end = progress.observe(now, partitionSize(admin, brokerId, tp));
            if (end.isPresent()) {
                return end;
            }
            // A fixed 200 ms timetable, so a slow describeLogDirs answer does not stretch the interval.
            long wait = start + TimeUnit.MILLISECONDS.toNanos(tick * POLL_MS) - System.nanoTime();
            if (wait > 0) {
                BrokerProcess.sleep(TimeUnit.NANOSECONDS.toMillis(wait));
            }
        }
        return OptionalLong.empty();
    }

    /** The partition's size on disk as the broker reports it (describeLogDirs), summed over its log dirs. */
    static long partitionSize(Admin admin, int brokerId, TopicPartition tp) throws Exception {
        Map<Integer, Map<String, LogDirDescription>> all = admin.describeLogDirs(List.of(brokerId))
                .allDescriptions().get(30, TimeUnit.SECONDS);
        long size = 0;
        boolean found = false;
        for (Map<String, LogDirDescription> dirs : all.values()) {
            Collection<LogDirDescription> descriptions = dirs.values();
            for (LogDirDescription d : descriptions) {
                ReplicaInfo info = d.replicaInfos().get(tp);
                if (info != null) {
                    size += info.size();
                    found = true;
                }
            }
        }
        if (!found) {
            throw new IllegalStateException("describeLogDirs does not list " + tp);
        }
        return size;
    }

    private void record(String kind, int rep, double writeMbPerS, long before, long after, double cleanS,
                        double[] base, double[] cleaning) {
        String cell = cell(plan);
        String cleaner = cleanerClient();
        samples.add(kind, "compaction", "KafkaProducer acks=1, full speed", cell, "write_MB_per_s", rep, writeMbPerS);
        samples.add(kind, "compaction", cleaner, cell, "log_MB_before", rep, before / 1e6);
        samples.add(kind, "compaction", cleaner, cell, "log_MB_after", rep, after / 1e6);
        samples.add(kind, "compaction", cleaner, cell, "cleaning_s", rep, cleanS);
        samples.add(kind, "compaction", cleaner, cell, "cleaned_MB_per_s", rep, before / 1e6 / cleanS);
        samples.add(kind, "compaction", cleaner, cell, "removed_MB_per_s", rep, (before - after) / 1e6 / cleanS);
        String probe = probeClient(plan);
        samples.add(kind, "compaction", probe, "baseline", "p50_ms", rep, LatencyProbe.quantile(base, 0.50));
        samples.add(kind, "compaction", probe, "baseline", "p99_ms", rep, LatencyProbe.quantile(base, 0.99));
        samples.add(kind, "compaction", probe, "baseline", "max_ms", rep, LatencyProbe.quantile(base, 1.0));
        samples.add(kind, "compaction", probe, "while cleaning", "p50_ms", rep, LatencyProbe.quantile(cleaning, 0.50));
        samples.add(kind, "compaction", probe, "while cleaning", "p99_ms", rep, LatencyProbe.quantile(cleaning, 0.99));
        samples.add(kind, "compaction", probe, "while cleaning", "max_ms", rep, LatencyProbe.quantile(cleaning, 1.0));
        samples.add(kind, "compaction", probe, "while cleaning", "sends", rep, cleaning.length);
        samples.add(kind, "compaction", probe, "while cleaning / baseline", "p99_ratio", rep,
                LatencyProbe.quantile(cleaning, 0.99) / LatencyProbe.quantile(base, 0.99));
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / 1e6);
    }

    private static void log(String line) {
        System.out.println(LocalDateTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")) + " " + line);
    }
}
