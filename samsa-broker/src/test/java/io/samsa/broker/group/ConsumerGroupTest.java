package io.samsa.broker.group;

import static io.samsa.broker.group.GroupTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.samsa.broker.SamsaBroker;

/**
 * Stock KafkaConsumers (classic protocol) in one group against Samsa: three members over six partitions,
 * one of them (a child JVM) killed without leaving, the survivors taking over its partitions after the
 * session timeout, and a restarted group resuming from the committed offsets.
 */
class ConsumerGroupTest {
    static final String TOPIC = "orders";
    static final int PARTITIONS = 6;
    static final String GROUP = "order-processors";

    SamsaBroker broker;
    Process child;
    final List<GroupConsumerThread> consumers = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        if (child != null) {
            child.destroyForcibly();
        }
        for (GroupConsumerThread c : consumers) {
            c.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void threeMembersSixPartitionsFailoverAndResumeFromCommittedOffsets() throws Exception {
        broker = SamsaBroker.startEmbedded(Map.of("group.initial.rebalance.delay.ms", "300"));
        String bootstrap = broker.bootstrapServers();
        GroupTestSupport.createTopic(bootstrap, TOPIC, PARTITIONS);

        // Three members: a child JVM (to be killed) and two consumers in this JVM.
        ChildMember childMember = startChild(bootstrap);
        GroupConsumerThread a = start(bootstrap, "member-a");
        GroupConsumerThread b = start(bootstrap, "member-b");
        await("each of the 6 partitions owned by exactly one of the 3 members", Duration.ofSeconds(30),
                () -> exactlyOneOwnerEach(List.of(a.assignment, b.assignment, childMember.assignment.get()))
                        && !a.assignment.isEmpty() && !b.assignment.isEmpty() && !childMember.assignment.get().isEmpty(),
                () -> List.of(a.assignment, b.assignment, childMember.assignment.get()));

        // Phase 1: every record consumed exactly once, by the owner of its partition.
        List<String> phase1 = GroupTestSupport.produce(bootstrap, TOPIC, PARTITIONS, "p1", 600);
        await("all phase-1 records consumed", Duration.ofSeconds(30),
                () -> consumedValues(a, b, childMember).size() >= phase1.size(),
                () -> consumedValues(a, b, childMember).size());
        assertThat(consumedValues(a, b, childMember)).containsExactlyInAnyOrderElementsOf(phase1);
        Set<Integer> childPartitions = childMember.assignment.get();
        assertThat(childMember.records).allMatch(r -> childPartitions.contains(r.partition()));
        assertThat(a.consumed).allMatch(r -> a.assignment.contains(new TopicPartition(TOPIC, r.partition())));

        // The child dies without leaving: after the session timeout its partitions move to a and b.
        child.destroyForcibly().waitFor();
        await("a and b own all 6 partitions between them", Duration.ofSeconds(40),
                () -> exactlyOneOwnerEach(List.of(a.assignment, b.assignment)) && a.assignment.size()
                        + b.assignment.size() == PARTITIONS,
                () -> List.of(a.assignment, b.assignment));
        List<String> phase2 = GroupTestSupport.produce(bootstrap, TOPIC, PARTITIONS, "p2", 600);
        List<String> all = new ArrayList<>(phase1);
        all.addAll(phase2);
        await("all phase-2 records consumed", Duration.ofSeconds(30),
                () -> consumedValues(a, b, childMember).size() >= all.size(),
                () -> consumedValues(a, b, childMember).size());
        // None lost, none twice (the child committed all it reported, so nothing of it is redelivered).
        assertThat(consumedValues(a, b, childMember)).containsExactlyInAnyOrderElementsOf(all);

        // Everything is committed; close all, produce more, restart three members: they resume.
        a.close();
        b.close();
        consumers.clear();
        List<String> phase3 = GroupTestSupport.produce(bootstrap, TOPIC, PARTITIONS, "p3", 300);
        List<GroupConsumerThread> restarted = List.of(start(bootstrap, "member-c"), start(bootstrap, "member-d"),
                start(bootstrap, "member-e"));
        await("all phase-3 records consumed", Duration.ofSeconds(30),
                () -> restarted.stream().mapToInt(c -> c.consumed.size()).sum() >= phase3.size(),
                () -> restarted.stream().mapToInt(c -> c.consumed.size()).sum());
        Thread.sleep(500); // would-be redeliveries of earlier phases have had a chance to show up
        List<String> resumed = restarted.stream().flatMap(c -> c.consumed.stream()).map(ConsumerRecord::value).toList();
        assertThat(resumed).containsExactlyInAnyOrderElementsOf(phase3);
        for (GroupConsumerThread c : restarted) {
            assertThat(c.errors).isEmpty();
        }
    }

    @Test
    void staticMemberRestartedWithinTheSessionTimeoutKeepsItsPartitionsWithoutARebalance() throws Exception {
        broker = SamsaBroker.startEmbedded(Map.of("group.initial.rebalance.delay.ms", "0"));
        String bootstrap = broker.bootstrapServers();
        GroupTestSupport.createTopic(bootstrap, "static-topic", 4);
        GroupConsumerThread s1 = startStatic(bootstrap, "static-1", "static-topic");
        GroupConsumerThread s2 = startStatic(bootstrap, "static-2", "static-topic");
        await("two static members own 2 partitions each", Duration.ofSeconds(30),
                () -> s1.assignment.size() == 2 && s2.assignment.size() == 2, () -> List.of(s1.assignment, s2.assignment));
        Set<TopicPartition> before = Set.copyOf(s1.assignment);
        int s2Revocations = s2.revocations.get();

        // A static member does not send LeaveGroup on close; its instance comes back with a new member id.
        s1.close();
        consumers.remove(s1);
        GroupConsumerThread s1Again = startStatic(bootstrap, "static-1", "static-topic");
        await("the restarted instance has its partitions back", Duration.ofSeconds(30),
                () -> s1Again.assignment.equals(before), () -> s1Again.assignment);
        List<String> produced = GroupTestSupport.produce(bootstrap, "static-topic", 4, "s", 40);
        await("all records consumed", Duration.ofSeconds(30),
                () -> s1Again.consumed.size() + s2.consumed.size() >= produced.size(),
                () -> s1Again.consumed.size() + s2.consumed.size());
        assertThat(s2.revocations.get()).as("the other member was never rebalanced").isEqualTo(s2Revocations);
        assertThat(s2.assignment).hasSize(2).doesNotContainAnyElementsOf(before);
        GroupSnapshot d = broker.groupCoordinator().describeGroup(GROUP + "-static").get().orElseThrow();
        assertThat(d.members()).extracting(GroupSnapshot.Member::groupInstanceId)
                .containsExactlyInAnyOrder("static-1", "static-2");
    }

    private GroupConsumerThread startStatic(String bootstrap, String instanceId, String topic) {
        java.util.Properties p = GroupTestSupport.consumerProps(bootstrap, GROUP + "-static", instanceId);
        p.put("group.instance.id", instanceId);
        p.put("session.timeout.ms", "30000");
        GroupConsumerThread c = new GroupConsumerThread(p, topic);
        consumers.add(c);
        return c;
    }

    private GroupConsumerThread start(String bootstrap, String name) {
        GroupConsumerThread c = new GroupConsumerThread(GroupTestSupport.consumerProps(bootstrap, GROUP, name), TOPIC);
        consumers.add(c);
        return c;
    }

    private static boolean exactlyOneOwnerEach(List<? extends Set<?>> assignments) {
        List<Integer> owned = new ArrayList<>();
        for (Set<?> s : assignments) {
            for (Object o : s) {
                owned.add(o instanceof TopicPartition tp ? tp.partition() : (Integer) o);
            }
        }
        return owned.size() == new HashSet<>(owned).size()
                && new HashSet<>(owned).equals(IntStream.range(0, PARTITIONS).boxed().collect(Collectors.toSet()));
    }

    private static List<String> consumedValues(GroupConsumerThread a, GroupConsumerThread b, ChildMember child) {
        List<String> values = new ArrayList<>();
        a.consumed.forEach(r -> values.add(r.value()));
        b.consumed.forEach(r -> values.add(r.value()));
        child.records.forEach(r -> values.add(r.value()));
        return values;
    }

    /** What the child JVM reported. */
    static final class ChildMember {
        final AtomicReference<Set<Integer>> assignment = new AtomicReference<>(Set.of());
        final List<ChildRecord> records = new CopyOnWriteArrayList<>();
    }

    record ChildRecord(int partition, long offset, String value) {
    }

    private ChildMember startChild(String bootstrap) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", GroupMemberProcess.class.getName(), bootstrap, GROUP,
                TOPIC);
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        child = pb.start();
        ChildMember member = new ChildMember();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith("ASSIGNED ")) {
                        Set<Integer> parts = new HashSet<>();
                        for (String p : line.substring("ASSIGNED ".length()).split(",")) {
                            if (!p.isBlank()) {
                                parts.add(Integer.parseInt(p.trim()));
                            }
                        }
                        member.assignment.set(Set.copyOf(parts));
                    } else if (line.startsWith("RECORD ")) {
                        String[] f = line.split(" ", 4);
                        member.records.add(new ChildRecord(Integer.parseInt(f[1]), Long.parseLong(f[2]), f[3]));
                    }
                }
            } catch (Exception e) {
                // the child was killed
            }
        }, "child-reader");
        reader.setDaemon(true);
        reader.start();
        return member;
    }
}
