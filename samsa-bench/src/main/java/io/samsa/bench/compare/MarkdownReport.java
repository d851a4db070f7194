package io.samsa.bench.compare;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;

/** The results page: the machine, the settings, the table of medians with Samsa/Kafka ratios, the targets. */
final class MarkdownReport {
    private MarkdownReport() {
    }

    static String render(Plan plan, Machine m, Samples samples, List<String> notes, Path csv, Path png) {
        StringBuilder b = new StringBuilder();
        if (plan.quota()) {
            b.append("# bench/quota: client quotas held, and what enforcing them costs, Samsa vs ")
                    .append("Apache Kafka ").append(Machine.kafkaVersion(plan.kafkaLibs))
                    .append(plan.quick ? " (--quick)" : "").append("\n\n");
        } else if (plan.tls()) {
            b.append("# bench/tls: produce and consume over TLS, and the handshake rate, Samsa vs ")
                    .append("Apache Kafka ").append(Machine.kafkaVersion(plan.kafkaLibs))
                    .append(plan.quick ? " (--quick)" : "").append("\n\n");
        } else if (plan.transactions()) {
            b.append("# bench/transactions: transactional produce and read_committed consume, Samsa vs ")
                    .append("Apache Kafka ").append(Machine.kafkaVersion(plan.kafkaLibs))
                    .append(plan.quick ? " (--quick)" : "").append("\n\n");
        } else if (plan.compaction()) {
            b.append("# bench/compaction: log cleaner throughput and produce latency while cleaning, Samsa vs ")
                    .append("Apache Kafka ").append(Machine.kafkaVersion(plan.kafkaLibs))
                    .append(plan.quick ? " (--quick)" : "").append("\n\n");
        } else if (plan.failover()) {
            b.append("# bench/failover: write pause per leader failure, Samsa vs Apache Kafka ")
                    .append(Machine.kafkaVersion(plan.kafkaLibs)).append(", ").append(plan.nodes).append(" nodes")
                    .append(plan.quick ? " (--quick)" : "").append("\n\n");
        } else {
            b.append("# bench/compare: Samsa vs Apache Kafka ").append(Machine.kafkaVersion(plan.kafkaLibs))
                    .append(plan.cluster() ? ", " + plan.nodes + "-node clusters" : "")
                    .append(plan.quick ? " (--quick)" : "").append("\n\n");
        }
        b.append("Run ").append(LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME).substring(0, 16))
                .append(", took ").append(m.elapsed().toMinutes()).append(" min ")
                .append(m.elapsed().toSecondsPart()).append(" s. Medians of ")
                .append(plan.failover() ? plan.kills + " round(s) per signal"
                        : plan.compaction() ? plan.repeats + " run(s) per broker" : plan.repeats + " run(s) per cell")
                .append("; ratio = Samsa / Kafka.\n\n");
        b.append("- Machine: ").append(m.cores()).append(" cores, ").append(m.kernel()).append(", ").append(m.jvm())
                .append("\n");
        b.append("- Load average (1/5/15 min) before: ").append(m.loadBefore()).append(", after: ")
                .append(m.loadAfter()).append(load(m.loadBefore())).append("\n");
        if (plan.quota()) {
            QuotaReport.setup(b, plan, m);
        } else if (plan.tls()) {
            TlsReport.setup(b, plan, m);
        } else if (plan.transactions()) {
            transactionsSetup(b, plan, m);
        } else if (plan.compaction()) {
            compactionSetup(b, plan, m);
        } else if (plan.cluster()) {
            clusterSetup(b, plan, m);
        } else {
            singleNodeSetup(b, plan, m);
        }
        b.append("- Raw values: [").append(csv).append("](").append(csv).append("); chart: [").append(png)
                .append("](").append(png).append(").\n\n");
        b.append("![Samsa / Kafka ratios](").append(png).append(")\n\n");

        // Issues 13, 12 and 14 ask for the compaction, transactions, TLS and quota figures, with no target to meet.
        if (!plan.compaction() && !plan.transactions() && !plan.tls() && !plan.quota()) {
            b.append("## Targets (figures, not assertions)\n\n");
            b.append("| Target | Figure | Met |\n|---|---|---|\n");
            // A cluster run has no single-process start-up or idle-memory figures: only the throughput targets apply.
            (plan.failover() ? failoverTargets(samples) : plan.cluster() ? targets(samples).subList(0, 4)
                    : targets(samples)).forEach(t -> b.append("| ").append(t).append(" |\n"));
            b.append("\n");
        }
        if (plan.tls()) {
            TlsReport.cost(b, samples);
        }
        if (plan.quota()) {
            QuotaReport.cost(b, samples, plan);
        }
        b.append("## Results\n\n");
        b.append("| Test | Client | Cell | Metric | Kafka | Samsa | Samsa/Kafka | n |\n");
        b.append("|---|---|---|---|---:|---:|---:|---:|\n");
        for (Samples.Key k : samples.keys()) {
            Optional<Double> kafka = samples.median("kafka", k);
            Optional<Double> samsa = samples.median("samsa", k);
            b.append("| ").append(k.test()).append(" | ").append(k.client()).append(" | ").append(k.cell())
                    .append(" | ").append(k.metric()).append(" | ").append(kafka.map(MarkdownReport::fmt).orElse("n/a"))
                    .append(" | ").append(samsa.map(MarkdownReport::fmt).orElse("n/a")).append(" | ")
                    .append(kafka.isPresent() && samsa.isPresent() && kafka.get() != 0
                            ? String.format(Locale.ROOT, "%.2f", samsa.get() / kafka.get()) : "–")
                    .append(" | ").append(Math.max(samples.count("kafka", k), samples.count("samsa", k)))
                    .append(" |\n");
        }
        if (!notes.isEmpty()) {
            b.append("\n## Notes\n\n");
            notes.forEach(n -> b.append("- ").append(n.replace("|", "\\|")).append("\n"));
        }
        return b.toString();
    }

    private static void singleNodeSetup(StringBuilder b, Plan plan, Machine m) {
        b.append("- Brokers one at a time, same heap limit, each with its own launcher's JVM flags: Kafka `")
                .append(String.join(" ", BrokerProcess.jvmFlags("kafka", plan.heap))).append("`, Samsa `")
                .append(String.join(" ", BrokerProcess.jvmFlags("samsa", plan.heap)))
                .append("` (plus bin/samsa's class-data-sharing archive when present); data on ").append(m.filesystem()).append(", no fsync per write for either")
                .append(" (`log.flush.interval.messages` and `.ms` = Long.MAX_VALUE), replication factor 1.\n");
        b.append("- Produce runs: ").append(fmt(plan.mb)).append(" MB of payload each, `--throughput -1`, client ")
                .append("defaults otherwise (linger.ms=5, batch.size=16384). Broker CPU = utime+stime of the broker ")
                .append("process across the run. End-to-end: ").append(plan.latencyRate).append(" records/s for ")
                .append(plan.latencySeconds).append(" s (first ").append(plan.latencyWarmupSeconds)
                .append(" s left out), linger.ms=0.\n");
        b.append("- Start-up: spawn of the broker JVM to the client port accepting, and to the first acknowledged ")
                .append("produce (acks=all, topic created after the port opened). Kafka's storage format runs ")
                .append("before the spawn and is not counted. Idle RSS ").append(plan.settleSeconds)
                .append(" s after that produce; peak RSS (VmHWM) at the end of the matrix.\n");
    }

    private static void compactionSetup(StringBuilder b, Plan plan, Machine m) {
        b.append("- Brokers one at a time, one node each, same heap limit, each with its own launcher's JVM flags: ")
                .append("Kafka `").append(String.join(" ", BrokerProcess.jvmFlags("kafka", plan.heap)))
                .append("`, Samsa `").append(String.join(" ", BrokerProcess.jvmFlags("samsa", plan.heap)))
                .append("`; data on ").append(m.filesystem()).append(", no fsync per write for either. The same ")
                .append("cleaner settings for both: `log.cleaner.threads=1`, `log.cleaner.backoff.ms=")
                .append(CompactionRun.BACKOFF_MS).append("`, `log.cleaner.dedupe.buffer.size=")
                .append(CompactionRun.DEDUPE_BUFFER_BYTES).append("`, no I/O limit.\n");
        b.append("- Per repeat: a 1-partition topic (`segment.bytes=").append(CompactionRun.SEGMENT_BYTES)
                .append("`, `min.cleanable.dirty.ratio=0.01`) written full speed by a KafkaProducer (acks=1, ")
                .append("linger.ms 5, batch.size 64 KiB, uncompressed): ").append(CompactionRun.cell(plan))
                .append(", the keys in turn, while its `cleanup.policy` is still `delete`, so nothing is cleaned ")
                .append("during the writes. Then a latency probe (").append(probeDescription(plan)).append(") on a ")
                .append("second topic: ").append(plan.baselineSeconds).append(" s baseline, then `cleanup.policy=")
                .append("compact` (incrementalAlterConfigs) and the probe goes on until the compaction is over.\n");
        b.append("- Cleaning is timed from outside, the same way for both: the partition's size from Admin ")
                .append("`describeLogDirs` every 200 ms, from the config change to the poll that first saw the final ")
                .append("size (held 1 s at or below the expected compacted size, else 15 s). `cleaned_MB_per_s` = ")
                .append("log size before ÷ that time (includes up to one cleaner backoff, 200 ms); ")
                .append("`removed_MB_per_s` = bytes removed ÷ that time. Probe latency: from each send's place on ")
                .append("the fixed timetable to its ack (no coordinated omission), sends scheduled in the window.\n");
    }

    private static void transactionsSetup(StringBuilder b, Plan plan, Machine m) {
        b.append("- Brokers one at a time, one node each, same heap limit, each with its own launcher's JVM flags: ")
                .append("Kafka `").append(String.join(" ", BrokerProcess.jvmFlags("kafka", plan.heap)))
                .append("`, Samsa `").append(String.join(" ", BrokerProcess.jvmFlags("samsa", plan.heap)))
                .append("`; data on ").append(m.filesystem()).append(", no fsync per write for either, replication ")
                .append("factor 1 (`transaction.state.log.replication.factor=1`, `.min.isr=1`), every other ")
                .append("transaction setting at its default for both.\n");
        b.append("- Produce (`TransactionalProducerPerf`, its own JVM): a stock KafkaProducer with a ")
                .append("`transactional.id`, acks=all, enable.idempotence=true, client defaults otherwise (linger.ms ")
                .append("5, batch.size 16384), one thread: begin, K sends of ").append(plan.txnRecordSize)
                .append(" B, `flush()`, `commitTransaction()`, again, to a new ").append(plan.txnPartitions)
                .append("-partition topic, until ").append(plan.txnRecords).append(" records are committed or ")
                .append(plan.txnSeconds).append(" s have passed (whole transactions only; `records_committed` says ")
                .append("how many). The clock starts after `initTransactions()` (`init_transactions_ms`). ")
                .append("`commit_*_ms`: the `commitTransaction()` call after the flush (EndTxn and markers); ")
                .append("`txn_*_ms`: begin to commit returned. MB = 2^20 bytes of values, as ProducerPerformance.\n");
        b.append("- Consume (`AssignedConsumerPerf`, its own JVM): the stock KafkaConsumer, assign() of every ")
                .append("partition, from the beginning, until it has read the committed count (which it must ")
                .append("match exactly), isolation.level read_committed and then read_uncommitted as the reference ")
                .append("(no transaction is ever aborted, so both read the same records). Broker CPU = utime+stime ")
                .append("of the broker process across each client run.\n");
    }

    private static String probeDescription(Plan plan) {
        return "KafkaProducer acks=all, linger.ms 0, " + plan.probeRate + " records/s of " + plan.compactionValueBytes
                + " B";
    }

    private static void clusterSetup(StringBuilder b, Plan plan, Machine m) {
        b.append("- Clusters one at a time: ").append(plan.nodes).append(" nodes per broker kind on loopback, each ")
                .append("node a child JVM in KRaft combined mode (`process.roles=broker,controller`, all nodes voters ")
                .append("in `controller.quorum.voters`), the same Kafka-style server.properties for both; JVM flags ")
                .append("per node: Kafka `").append(String.join(" ", BrokerProcess.jvmFlags("kafka", plan.heap)))
                .append("`, Samsa `").append(String.join(" ", BrokerProcess.jvmFlags("samsa", plan.heap)))
                .append("`; data on ").append(m.filesystem()).append(", no fsync per write for either. Topics: ")
                .append("replication factor ").append(plan.replicationFactor).append(", min.insync.replicas ")
                .append(plan.minInsyncReplicas > 0 ? Integer.toString(plan.minInsyncReplicas) : "(broker default)")
                .append(". Each broker kind with its own defaults otherwise (Kafka: broker.session.timeout.ms 9000, ")
                .append("broker.heartbeat.interval.ms 2000, replica.lag.time.max.ms 30000).\n");
        if (plan.failover()) {
            b.append("- Writer: one stock KafkaProducer (acks=all, enable.idempotence=true, client defaults ")
                    .append("otherwise) sending ").append(plan.failoverRate).append(" records/s of 100 bytes ")
                    .append("(sequence number and send time inside) round-robin over ")
                    .append(plan.failoverPartitions).append(" partition(s), throughout. ").append(plan.kills)
                    .append(" round(s) per signal (").append(String.join(", ", plan.signals)).append("): find the ")
                    .append("leader of partition 0 (Admin describeTopics), signal its process, measure, start it ")
                    .append("again on its data, wait until every partition's ISR is full again.\n");
            b.append("- `write_pause_ms`: from the signal to the first ack of a record sent after the old leader ")
                    .append("was gone (SIGKILL: the signal; SIGTERM: the process's exit), i.e. the first ")
                    .append("acknowledged acks=all write on the new leader; the longest over the node's partitions. ")
                    .append("`longest_ack_gap_ms`: the longest time without an ack on those partitions between the ")
                    .append("signal and that ack (the SIGTERM figure: a controlled shutdown keeps acknowledging while ")
                    .append("it moves leadership). Medians over the rounds in the table, with min and max rows; ")
                    .append("each round in the Notes.\n");
        } else {
            b.append("- Produce runs: ").append(fmt(plan.mb)).append(" MB of payload each, `--throughput -1`, ")
                    .append("acks ").append(String.join("/", plan.acks)).append(", client defaults otherwise. ")
                    .append("Broker CPU = utime+stime summed over the ").append(plan.nodes).append(" node processes. ")
                    .append("End-to-end: ").append(plan.latencyRate).append(" records/s for ")
                    .append(plan.latencySeconds).append(" s (first ").append(plan.latencyWarmupSeconds)
                    .append(" s left out), linger.ms=0.\n");
            b.append("- Start-up: spawn of the first node to all ").append(plan.nodes).append(" brokers listed by ")
                    .append("DescribeCluster (`spawn_to_formed_ms`) and to the first acknowledged acks=all produce ")
                    .append("on a replicated topic. Peak RSS: the largest node's VmHWM at the end.\n");
        }
    }

    /** The failover targets: Samsa's ≤ 3 s per SIGKILL, and the Kafka figure as the reference. */
    static List<String> failoverTargets(Samples s) {
        List<String> out = new ArrayList<>();
        for (String broker : List.of("samsa", "kafka")) {
            Optional<Double> kill = s.keys().stream().filter(k -> k.metric().equals("write_pause_ms")
                    && k.cell().endsWith("SIGKILL")).findFirst().flatMap(k -> s.median(broker, k));
            String name = broker.equals("samsa") ? "Samsa: write pause per SIGKILL (median) ≤ 3 s"
                    : "Apache Kafka: write pause per SIGKILL (median; the issue measured 8.4–12.6 s)";
            out.add(name + " | " + kill.map(v -> fmt(v / 1000) + " s").orElse("n/a") + " | "
                    + (broker.equals("samsa") ? kill.map(v -> v <= 3000 ? "yes" : "no").orElse("–") : "reference"));
        }
        return out;
    }

    /** Each target as "name | figure | yes/no": geometric means of the per-cell median ratios. */
    static List<String> targets(Samples s) {
        List<String> out = new ArrayList<>();
        out.add(row("Samsa broker, stock KafkaProducer: records/s ≥ 1.1× Kafka",
                brokerRatio(s, k -> k.test().equals("produce") && k.client().equals(ClientTools.KAFKA_PRODUCER)
                        && k.metric().equals("records_per_s")), r -> r >= 1.1));
        out.add(row("Broker CPU seconds for the same run ≤ 0.5× Kafka",
                brokerRatio(s, k -> k.test().equals("produce") && k.client().equals(ClientTools.KAFKA_PRODUCER)
                        && k.metric().equals("broker_cpu_s")), r -> r <= 0.5));
        out.add(row("Fixed-rate end-to-end p99 ≤ 0.7× Kafka",
                brokerRatio(s, k -> k.test().equals("e2e") && k.metric().equals("p99_ms")), r -> r <= 0.7));
        out.add(row("SamsaProducer vs KafkaProducer on the Samsa broker: records/s ≥ 1.5×",
                clientRatio(s), r -> r >= 1.5));
        out.add(row("Process start to listening ≤ 0.2× Kafka",
                brokerRatio(s, k -> k.metric().equals("spawn_to_listening_ms")), r -> r <= 0.2));
        Optional<Double> embedded = s.keys().stream().filter(k -> k.metric().equals("warm_start_to_first_produce_ms"))
                .findFirst().flatMap(k -> s.median("samsa", k));
        out.add("Embedded start to first produce < 100 ms (warm; cold is in the table) | "
                + embedded.map(v -> fmt(v) + " ms").orElse("n/a") + " | "
                + embedded.map(v -> v < 100 ? "yes" : "no").orElse("–"));
        out.add(row("Idle RSS ≤ 0.25× Kafka", brokerRatio(s, k -> k.metric().equals("idle_rss_mib")), r -> r <= 0.25));
        return out;
    }

    private static String row(String name, Optional<double[]> ratio, Predicate<Double> met) {
        if (ratio.isEmpty()) {
            return name + " | n/a | –";
        }
        double[] r = ratio.get();
        String figure = String.format(Locale.ROOT, "%.2f×", r[0])
                + (r[3] > 1 ? String.format(Locale.ROOT, " (geomean of %d cells, %.2f–%.2f)", (int) r[3], r[1], r[2]) : "");
        return name + " | " + figure + " | " + (met.test(r[0]) ? "yes" : "no");
    }

    /** {geomean, min, max, n} of Samsa/Kafka over the keys that match. */
    static Optional<double[]> brokerRatio(Samples s, Predicate<Samples.Key> which) {
        List<Double> ratios = new ArrayList<>();
        for (Samples.Key k : s.keys()) {
            if (which.test(k)) {
                Optional<Double> kafka = s.median("kafka", k);
                Optional<Double> samsa = s.median("samsa", k);
                if (kafka.isPresent() && samsa.isPresent() && kafka.get() > 0 && samsa.get() > 0) {
                    ratios.add(samsa.get() / kafka.get());
                }
            }
        }
        return summarize(ratios);
    }

    /** SamsaProducer / KafkaProducer records/s, both against the Samsa broker, per cell. */
    static Optional<double[]> clientRatio(Samples s) {
        List<Double> ratios = new ArrayList<>();
        for (Samples.Key k : s.keys()) {
            if (k.test().equals("produce") && k.client().equals(ClientTools.SAMSA_PRODUCER)
                    && k.metric().equals("records_per_s")) {
                Optional<Double> samsaClient = s.median("samsa", k);
                Optional<Double> kafkaClient = s.median("samsa",
                        new Samples.Key(k.test(), ClientTools.KAFKA_PRODUCER, k.cell(), k.metric()));
                if (samsaClient.isPresent() && kafkaClient.isPresent() && kafkaClient.get() > 0) {
                    ratios.add(samsaClient.get() / kafkaClient.get());
                }
            }
        }
        return summarize(ratios);
    }

    private static Optional<double[]> summarize(List<Double> ratios) {
        if (ratios.isEmpty()) {
            return Optional.empty();
        }
        double log = ratios.stream().mapToDouble(Math::log).sum() / ratios.size();
        return Optional.of(new double[] {Math.exp(log), ratios.stream().mapToDouble(d -> d).min().orElse(0),
                ratios.stream().mapToDouble(d -> d).max().orElse(0), ratios.size()});
    }

    private static String load(String loadBefore) {
        try {
            double one = Double.parseDouble(loadBefore.split(" ")[0]);
            return one >= 1 ? " — **shared machine: other work was running, treat the figures as rough**" : "";
        } catch (RuntimeException e) {
            return "";
        }
    }

    static String fmt(double v) {
        double a = Math.abs(v);
        if (a >= 1000) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
