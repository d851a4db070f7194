package io.samsa.bench.compare;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * The failover benchmark for one broker kind: an N-node cluster, a topic with the plan's replication factor and
 * min.insync.replicas, a {@link FailoverProducer} writing throughout; each round finds the leader of partition 0
 * (Admin describeTopics), signals its node (SIGKILL, or SIGTERM for a controlled shutdown), measures the
 * {@link WritePause}, starts the node again on its data and waits until it is back in every ISR. Each broker
 * runs with its own defaults (Kafka: broker.session.timeout.ms 9000, heartbeats 2000 ms).
 */
final class FailoverRun {
    static final String TOPIC = "failover";
    /** Longest wait for the first new-leader ack of a round; past it the round is reported as failed. */
    private static final Duration PAUSE_LIMIT = Duration.ofSeconds(120);
    private static final Duration ISR_LIMIT = Duration.ofSeconds(180);

    private final Plan plan;
    private final Children children;
    private final Samples samples;
    private final List<String> notes;
    private final Path dir;

    FailoverRun(Plan plan, Children children, Samples samples, List<String> notes, Path dir) {
        this.plan = plan;
        this.children = children;
        this.samples = samples;
        this.notes = notes;
        this.dir = dir;
    }

    static String client(Plan plan) {
        return "KafkaProducer acks=all idempotent, " + plan.failoverRate + " records/s";
    }

    static String cell(Plan plan, String signal) {
        return "RF" + plan.replicationFactor + " p" + plan.failoverPartitions + " SIG" + signal;
    }

    void run(String kind) {
        log(kind + ": starting a " + plan.nodes + "-node cluster for the failover rounds");
        try (BrokerCluster cluster = BrokerCluster.start(kind, plan, children, dir);
             Admin admin = Admin.create(Compare.clientProps(cluster.bootstrap()))) {
            cluster.awaitFormed(Duration.ofSeconds(plan.formSeconds));
            admin.createTopics(List.of(new NewTopic(TOPIC, plan.failoverPartitions, (short) plan.replicationFactor)
                    .configs(BrokerCluster.topicConfigs(plan)))).all().get(60, TimeUnit.SECONDS);
            BrokerCluster.awaitFullIsr(admin, TOPIC, plan.replicationFactor, ISR_LIMIT, cluster);
            try (FailoverProducer producer = new FailoverProducer(cluster.bootstrap(), TOPIC, plan.failoverPartitions,
                    plan.failoverRate)) {
                producer.start();
                for (String signal : plan.signals) {
                    List<WritePause.Result> results = new ArrayList<>();
                    for (int round = 0; round < plan.kills; round++) {
                        round(cluster, admin, producer, signal, round).ifPresent(results::add);
                    }
                    summarize(kind, signal, results);
                }
                producer.watch(null);
                producer.close();
                samples.add(kind, "failover", client(plan), "all rounds", "records_acked", 0, producer.acked());
                samples.add(kind, "failover", client(plan), "all rounds", "records_failed", 0, producer.failed());
                if (producer.failed() > 0 || producer.outOfOrder() > 0) {
                    notes.add(kind + ": " + producer.failed() + " record(s) failed, " + producer.outOfOrder()
                            + " ack(s) out of offset order; last error: " + producer.lastError());
                }
            }
        } catch (Exception e) {
            throw e instanceof RuntimeException r ? r : new IllegalStateException(e.toString(), e);
        } finally {
            Compare.deleteTree(dir);
        }
    }

    /** One signal to the leader of partition 0, the pause it caused, the node back in the ISR. */
    private Optional<WritePause.Result> round(BrokerCluster cluster, Admin admin, FailoverProducer producer,
                                              String signal, int round) {
        Map<Integer, TopicPartitionInfo> before = BrokerCluster.awaitFullIsr(admin, TOPIC, plan.replicationFactor,
                ISR_LIMIT, cluster);
        awaitSteadyWrites(producer, cluster);
        int victim = before.get(0).leader().id();
        Set<Integer> led = new TreeSet<>();
        before.forEach((p, info) -> {
            if (info.leader().id() == victim) {
                led.add(p);
            }
        });
        String controller = activeController(admin);
        BrokerProcess node = cluster.node(victim);
        boolean hard = signal.equals("KILL");

        WritePause pause = new WritePause(System.nanoTime(), led);
        producer.watch(pause);
        node.signal(hard);
        if (hard) {
            pause.oldLeaderGone(System.nanoTime());
        }
        boolean exited = node.awaitExit(TimeUnit.SECONDS.toMillis(120));
        if (!exited) {
            notes.add(cluster.kind() + " SIG" + signal + " round " + (round + 1) + ": node " + victim
                    + " still running 120 s after the signal; killed");
            node.signal(true);
            node.awaitExit(TimeUnit.SECONDS.toMillis(30));
        }
        if (!hard) {
            pause.oldLeaderGone(System.nanoTime());
        }
        Optional<WritePause.Result> result = awaitResult(pause);
        producer.watch(null);

        long restart = System.nanoTime();
        cluster.restart(victim);
        BrokerCluster.awaitFullIsr(admin, TOPIC, plan.replicationFactor, ISR_LIMIT, cluster);
        double rejoinMs = (System.nanoTime() - restart) / 1e6;

        String kind = cluster.kind();
        String what = kind + " SIG" + signal + " round " + (round + 1) + ": node " + victim + " (leader of partitions "
                + led + "; active controller: node " + controller + ")";
        if (result.isEmpty()) {
            notes.add(what + ": no write acknowledged on a new leader within " + PAUSE_LIMIT.toSeconds() + " s");
            log(what + ": FAILED, no new-leader ack within " + PAUSE_LIMIT.toSeconds() + " s");
            return result;
        }
        WritePause.Result r = result.get();
        samples.add(kind, "failover", client(plan), cell(plan, signal), "write_pause_ms", round, r.pauseMs());
        samples.add(kind, "failover", client(plan), cell(plan, signal), "longest_ack_gap_ms", round, r.longestGapMs());
        samples.add(kind, "failover", client(plan), cell(plan, signal), "restart_to_full_isr_ms", round, rejoinMs);
        String line = String.format(Locale.ROOT, "%s: write pause %.0f ms, longest ack gap %.0f ms, restart to full "
                + "ISR %.0f ms", what, r.pauseMs(), r.longestGapMs(), rejoinMs);
        notes.add(line);
        log(line);
        return result;
    }

    /** Min and max over the rounds (the table's median row is the headline). */
    private void summarize(String kind, String signal, List<WritePause.Result> results) {
        if (results.isEmpty()) {
            return;
        }
        double[] pauses = results.stream().mapToDouble(WritePause.Result::pauseMs).sorted().toArray();
        double[] gaps = results.stream().mapToDouble(WritePause.Result::longestGapMs).sorted().toArray();
        samples.add(kind, "failover", client(plan), cell(plan, signal), "write_pause_min_ms", 0, pauses[0]);
        samples.add(kind, "failover", client(plan), cell(plan, signal), "write_pause_max_ms", 0,
                pauses[pauses.length - 1]);
        samples.add(kind, "failover", client(plan), cell(plan, signal), "longest_ack_gap_min_ms", 0, gaps[0]);
        samples.add(kind, "failover", client(plan), cell(plan, signal), "longest_ack_gap_max_ms", 0,
                gaps[gaps.length - 1]);
    }

    /** Before a signal: acks are flowing (half a second's worth after the ISR is full). */
    private void awaitSteadyWrites(FailoverProducer producer, Brokers brokers) {
        long target = producer.acked() + Math.max(1, plan.failoverRate / 2);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (producer.acked() < target) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(brokers.kind() + ": the producer got no steady acks within 60 s ("
                        + producer.acked() + " acked, " + producer.failed() + " failed, last error: "
                        + producer.lastError() + ")");
            }
            BrokerProcess.sleep(10);
        }
    }

    private static Optional<WritePause.Result> awaitResult(WritePause pause) {
        long deadline = System.nanoTime() + PAUSE_LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<WritePause.Result> r = pause.result();
            if (r.isPresent()) {
                return r;
            }
            BrokerProcess.sleep(5); // the pause is measured by the ack times, not by this poll
        }
        return Optional.empty();
    }

    /** The active controller's node id (DescribeQuorum), "?" where the broker does not answer it. */
    private static String activeController(Admin admin) {
        try {
            return Integer.toString(admin.describeMetadataQuorum().quorumInfo().get(10, TimeUnit.SECONDS).leaderId());
        } catch (Exception e) {
            return "?";
        }
    }

    private static void log(String line) {
        System.out.println(LocalDateTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")) + " " + line);
    }
}
