package io.samsa.clients.consumer;

import static io.samsa.clients.consumer.ConsumerTestSupport.newTopic;
import static io.samsa.clients.consumer.ConsumerTestSupport.pollUntil;
import static io.samsa.clients.consumer.ConsumerTestSupport.produce;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** What SamsaConsumer must do in a consumer group (classic protocol), against any broker with a coordinator. */
abstract class GroupContract {
    abstract String bootstrap();

    abstract void createTopic(String name, int partitions);

    Properties props(String group) {
        Properties p = ConsumerTestSupport.props(bootstrap());
        p.setProperty("group.id", group);
        p.setProperty("auto.offset.reset", "earliest");
        p.setProperty("enable.auto.commit", "false");
        p.setProperty("heartbeat.interval.ms", "300");
        return p;
    }

    /** Polls every consumer in turn (one thread) until each owns its even share of the partitions. */
    static void pollUntilBalanced(List<SamsaConsumer<String, String>> members, int partitions,
                                  List<ConsumerRecord<String, String>> sink) {
        pollUntilBalanced(members, partitions, (member, r) -> sink.add(r));
    }

    /** As above; {@code sink} also gets the index (in {@code members}) of the member that returned the record. */
    static void pollUntilBalanced(List<SamsaConsumer<String, String>> members, int partitions,
                                  BiConsumer<Integer, ConsumerRecord<String, String>> sink) {
        long deadline = System.currentTimeMillis() + 45_000;
        while (System.currentTimeMillis() < deadline) {
            for (int m = 0; m < members.size(); m++) {
                int member = m;
                members.get(m).poll(Duration.ofMillis(100)).forEach(r -> sink.accept(member, r));
            }
            boolean even = true;
            for (SamsaConsumer<String, String> c : members) {
                even &= c.assignment().size() == partitions / members.size();
            }
            if (even) {
                return; // the assertions that follow check that no partition is owned twice
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"range", "roundrobin", "cooperative-sticky"})
    void threeMembersShareSixPartitionsAndTakeOverWhenOneCloses(String strategy) {
        String topic = newTopic("group-" + strategy);
        String group = newTopic("g");
        createTopic(topic, 6);
        produce(bootstrap(), topic, 6, 0, 600);
        List<SamsaConsumer<String, String>> members = new ArrayList<>();
        List<ConsumerRecord<String, String>> seen = new CopyOnWriteArrayList<>();
        String cls = switch (strategy) {
            case "range" -> "org.apache.kafka.clients.consumer.RangeAssignor";
            case "roundrobin" -> "org.apache.kafka.clients.consumer.RoundRobinAssignor";
            default -> "org.apache.kafka.clients.consumer.CooperativeStickyAssignor";
        };
        try {
            for (int i = 0; i < 3; i++) {
                Properties p = props(group);
                p.setProperty("partition.assignment.strategy", cls);
                SamsaConsumer<String, String> c = new SamsaConsumer<>(p);
                c.subscribe(List.of(topic));
                members.add(c);
            }
            pollUntilBalanced(members, 6, seen);
            Set<TopicPartition> union = new HashSet<>();
            for (SamsaConsumer<String, String> c : members) {
                assertThat(c.assignment()).hasSize(2);
                for (TopicPartition tp : c.assignment()) {
                    assertThat(union.add(tp)).as("%s owned by two members", tp).isTrue();
                }
            }
            assertThat(union).hasSize(6);
            // everything gets read; each record's partition was owned by the member that returned it
            long deadline = System.currentTimeMillis() + 30_000;
            while (distinct(seen) < 600 && System.currentTimeMillis() < deadline) {
                for (SamsaConsumer<String, String> c : members) {
                    for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(100))) {
                        assertThat(c.assignment()).contains(new TopicPartition(r.topic(), r.partition()));
                        seen.add(r);
                    }
                }
            }
            assertThat(distinct(seen)).isEqualTo(600);
            members.forEach(SamsaConsumer::commitSync);

            SamsaConsumer<String, String> leaving = members.remove(0);
            Set<TopicPartition> itsPartitions = leaving.assignment();
            leaving.close();
            pollUntilBalanced(members, 6, seen);
            Set<TopicPartition> after = new HashSet<>();
            for (SamsaConsumer<String, String> c : members) {
                assertThat(c.assignment()).hasSize(3);
                after.addAll(c.assignment());
            }
            assertThat(after).hasSize(6).containsAll(itsPartitions);
        } finally {
            members.forEach(SamsaConsumer::close);
        }
    }

    /**
     * A member killed without leaving (its JVM destroyed): after the session timeout the others own all
     * partitions, and every record is consumed by someone (at least once: what the dead member read but
     * had not committed comes again).
     */
    @Test
    void aKilledMembersPartitionsMoveAfterTheSessionTimeoutAndNothingIsLost() throws Exception {
        String topic = newTopic("killed");
        String group = newTopic("gk");
        createTopic(topic, 6);
        produce(bootstrap(), topic, 6, 0, 600);
        Set<String> values = ConcurrentHashMap.newKeySet();
        // For a failure's message: the offsets each partition had returned, by whom ("child", "member0", ...).
        Map<String, Set<String>> bySource = new ConcurrentHashMap<>();
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), GroupMemberMain.class.getName(),
                bootstrap(), topic, group).redirectErrorStream(true).start();
        BlockingQueue<String> childLines = new LinkedBlockingQueue<>();
        List<String> childOutput = new CopyOnWriteArrayList<>(); // all of it, for a failure's message
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    if (line.startsWith("VALUE ")) {
                        values.add(line.substring(6));
                        bySource.computeIfAbsent("child", k -> ConcurrentHashMap.newKeySet()).add(line.substring(6));
                    }
                    childLines.add(line);
                    childOutput.add(line);
                }
            } catch (IOException ignored) {
                // the child was killed
            }
        });
        reader.setDaemon(true);
        reader.start();
        List<SamsaConsumer<String, String>> members = new ArrayList<>();
        BiConsumer<Integer, ConsumerRecord<String, String>> returned = (member, r) -> {
            values.add(r.value());
            bySource.computeIfAbsent("member" + member, k -> ConcurrentHashMap.newKeySet()).add(r.value());
        };
        try {
            for (int i = 0; i < 2; i++) {
                Properties p = props(group);
                p.setProperty("session.timeout.ms", "6000");
                p.setProperty("max.poll.records", "5");
                SamsaConsumer<String, String> c = new SamsaConsumer<>(p);
                c.subscribe(List.of(topic));
                members.add(c);
            }
            // Poll until the child holds its share (2 of 6) and has consumed something.
            long deadline = System.currentTimeMillis() + 60_000;
            boolean childHasShare = false;
            while (!(childHasShare && bySource.containsKey("child")
                    && members.stream().allMatch(c -> c.assignment().size() == 2))
                    && System.currentTimeMillis() < deadline) {
                for (int m = 0; m < members.size(); m++) {
                    int member = m;
                    members.get(m).poll(Duration.ofMillis(100)).forEach(r -> returned.accept(member, r));
                    members.get(m).commitSync();
                }
                for (String line = childLines.poll(); line != null; line = childLines.poll()) {
                    if (line.startsWith("ASSIGNED ")) {
                        childHasShare = line.equals("ASSIGNED 2");
                    }
                }
            }
            assertThat(childHasShare).as("the child member got 2 of 6 partitions").isTrue();
            child.destroyForcibly().waitFor();

            pollUntilBalanced(members, 6, returned);
            Set<TopicPartition> after = new HashSet<>();
            for (SamsaConsumer<String, String> c : members) {
                assertThat(c.assignment()).hasSize(3);
                after.addAll(c.assignment());
            }
            assertThat(after).hasSize(6);
            long end = System.currentTimeMillis() + 30_000;
            while (values.size() < 600 && System.currentTimeMillis() < end) {
                pollEach(members, returned);
            }
            List<String> missing = new ArrayList<>();
            Set<Integer> partitionsMissing = new TreeSet<>();
            for (int i = 0; i < 600; i++) {
                if (!values.contains("v" + i)) {
                    missing.add("v" + i + " (partition " + i % 6 + ", offset " + i / 6 + ")");
                    partitionsMissing.add(i % 6);
                }
            }
            StringBuilder who = new StringBuilder();
            for (int partition : partitionsMissing) {
                TopicPartition tp = new TopicPartition(topic, partition);
                who.append("partition ").append(partition).append(": committed ")
                        .append(members.get(0).committed(Set.of(tp)).get(tp)).append('\n');
                bySource.forEach((source, got) -> who.append("  ").append(source).append(" returned offsets ")
                        .append(offsetRanges(got, partition, 6)).append('\n'));
            }
            assertThat(missing).as("records no member consumed;\n%sthe killed child's last output:\n%s", who,
                    String.join("\n", childOutput.subList(Math.max(0, childOutput.size() - 40),
                            childOutput.size()))).isEmpty();
        } finally {
            child.destroyForcibly();
            members.forEach(SamsaConsumer::close);
        }
    }

    private static void pollEach(List<SamsaConsumer<String, String>> members,
                                 BiConsumer<Integer, ConsumerRecord<String, String>> sink) {
        for (int m = 0; m < members.size(); m++) {
            int member = m;
            members.get(m).poll(Duration.ofMillis(100)).forEach(r -> sink.accept(member, r));
        }
    }

    /** The offsets of {@code partition} among values "v{i}" (i round robin over {@code partitions}), as ranges. */
    static String offsetRanges(Collection<String> values, int partition, int partitions) {
        List<Integer> offsets = new ArrayList<>();
        for (String v : values) {
            int i = Integer.parseInt(v.substring(1));
            if (i % partitions == partition) {
                offsets.add(i / partitions);
            }
        }
        offsets.sort(null);
        StringBuilder out = new StringBuilder();
        for (int k = 0; k < offsets.size(); k++) {
            int from = offsets.get(k);
            while (k + 1 < offsets.size() && offsets.get(k + 1) == offsets.get(k) + 1) {
                k++;
            }
            out.append(out.isEmpty() ? "" : ", ").append(from);
            if (offsets.get(k) != from) {
                out.append('-').append(offsets.get(k));
            }
        }
        return out.isEmpty() ? "none" : out.toString();
    }

    private static long distinct(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(ConsumerRecord::value).distinct().count();
    }

    @Test
    void restartResumesFromCommittedOffsets() {
        String topic = newTopic("resume");
        String group = newTopic("g");
        createTopic(topic, 2);
        produce(bootstrap(), topic, 2, 0, 100);
        List<String> assignedSeen = new CopyOnWriteArrayList<>();
        ConsumerRebalanceListener listener = new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                partitions.forEach(tp -> assignedSeen.add(tp.toString()));
            }
        };
        TopicPartition p0 = new TopicPartition(topic, 0);
        TopicPartition p1 = new TopicPartition(topic, 1);
        try (SamsaConsumer<String, String> c = new SamsaConsumer<>(props(group))) {
            c.subscribe(List.of(topic), listener);
            List<ConsumerRecord<String, String>> got = pollUntil(c, l -> l.size() >= 100);
            assertThat(got).hasSize(100);
            assertThat(assignedSeen).containsExactlyInAnyOrder(p0.toString(), p1.toString());
            c.commitSync(Map.of(p0, new OffsetAndMetadata(30), p1, new OffsetAndMetadata(40, "note")));
            Map<TopicPartition, OffsetAndMetadata> committed = c.committed(Set.of(p0, p1));
            assertThat(committed.get(p0).offset()).isEqualTo(30);
            assertThat(committed.get(p1).offset()).isEqualTo(40);
            assertThat(committed.get(p1).metadata()).isEqualTo("note");
        }
        try (SamsaConsumer<String, String> c = new SamsaConsumer<>(props(group))) {
            c.subscribe(List.of(topic));
            List<ConsumerRecord<String, String>> got = pollUntil(c, l -> l.size() >= 30);
            assertThat(got).hasSize(30);
            assertThat(got.stream().filter(r -> r.partition() == 0).mapToLong(ConsumerRecord::offset).min())
                    .hasValue(30);
            assertThat(got.stream().filter(r -> r.partition() == 1).mapToLong(ConsumerRecord::offset).min())
                    .hasValue(40);
            AtomicReference<Exception> callbackResult = new AtomicReference<>(new Exception("not called"));
            c.commitAsync((offsets, e) -> callbackResult.set(e));
            long deadline = System.currentTimeMillis() + 10_000;
            while (callbackResult.get() != null && System.currentTimeMillis() < deadline) {
                c.poll(Duration.ofMillis(100));
            }
            assertThat(callbackResult.get()).isNull();
            assertThat(c.committed(Set.of(p0)).get(p0).offset()).isEqualTo(50);
        }
    }

    @Test
    void autoCommitCommitsWhatWasConsumed() {
        String topic = newTopic("autocommit");
        String group = newTopic("g");
        createTopic(topic, 1);
        produce(bootstrap(), topic, 1, 0, 20);
        TopicPartition tp = new TopicPartition(topic, 0);
        Properties p = props(group);
        p.setProperty("enable.auto.commit", "true");
        p.setProperty("auto.commit.interval.ms", "100");
        try (SamsaConsumer<String, String> c = new SamsaConsumer<>(p)) {
            c.subscribe(List.of(topic));
            assertThat(pollUntil(c, l -> l.size() >= 20)).hasSize(20);
            long deadline = System.currentTimeMillis() + 10_000;
            OffsetAndMetadata committed = null;
            while (System.currentTimeMillis() < deadline) {
                c.poll(Duration.ofMillis(150));
                committed = c.committed(Set.of(tp)).get(tp);
                if (committed != null && committed.offset() == 20) {
                    break;
                }
            }
            assertThat(committed).isNotNull();
            assertThat(committed.offset()).isEqualTo(20);
        }
    }

    @Test
    void patternSubscriptionFindsMatchingTopics() {
        String prefix = newTopic("pat");
        createTopic(prefix + "-a", 1);
        createTopic(prefix + "-b", 2);
        createTopic(newTopic("other"), 1);
        produce(bootstrap(), prefix + "-a", 1, 0, 5);
        produce(bootstrap(), prefix + "-b", 2, 0, 6);
        Properties p = props(newTopic("g"));
        p.setProperty("metadata.max.age.ms", "500");
        try (SamsaConsumer<String, String> c = new SamsaConsumer<>(p)) {
            c.subscribe(Pattern.compile(Pattern.quote(prefix) + "-.*"));
            List<ConsumerRecord<String, String>> got = pollUntil(c, l -> l.size() >= 11);
            assertThat(got).hasSize(11);
            assertThat(c.subscription()).containsExactlyInAnyOrder(prefix + "-a", prefix + "-b");
            assertThat(c.assignment()).hasSize(3);
        }
    }
}
