package io.samsa.broker.group;

import static io.samsa.broker.group.CoordinatorHarness.get;
import static io.samsa.broker.group.CoordinatorHarness.joinRequest;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.broker.SamsaBroker;

/**
 * Committed offsets and group metadata survive a broker restart (and an unclean stop of the coordinator's log).
 * The compaction of {@code __consumer_offsets} by the log cleaner: {@link SingleNodeOffsetsTopicTest}.
 */
class GroupDurabilityTest {
    static final String TOPIC = "ledger";
    static final String GROUP = "auditors";

    @TempDir
    Path dir;

    private SamsaBroker startBroker() throws Exception {
        return SamsaBroker.start(Map.of("listeners", "PLAINTEXT://127.0.0.1:0", "log.dirs", dir.toString(),
                "group.initial.rebalance.delay.ms", "0"));
    }

    @Test
    void committedOffsetsSurviveABrokerRestartBetweenCommitAndFetch() throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
        try (SamsaBroker broker = startBroker()) {
            String bootstrap = broker.bootstrapServers();
            GroupTestSupport.createTopic(bootstrap, TOPIC, 3);
            GroupTestSupport.produce(bootstrap, TOPIC, 3, "r", 90);
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                    GroupTestSupport.consumerProps(bootstrap, GROUP, "auditor-1"))) {
                consumer.subscribe(List.of(TOPIC));
                int seen = 0;
                long deadline = System.nanoTime() + 30_000_000_000L;
                while (seen < 60 && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                        seen++;
                    }
                }
                assertThat(seen).isGreaterThanOrEqualTo(60);
                // Commit something other than the consumed position, with metadata, to be unmistakable.
                committed.put(new TopicPartition(TOPIC, 0), new OffsetAndMetadata(11, "zero"));
                committed.put(new TopicPartition(TOPIC, 1), new OffsetAndMetadata(22, "one"));
                committed.put(new TopicPartition(TOPIC, 2), new OffsetAndMetadata(30, "two"));
                consumer.commitSync(committed);
            }
        }
        try (SamsaBroker broker = startBroker();
             Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            Map<TopicPartition, OffsetAndMetadata> fetched = admin.listConsumerGroupOffsets(GROUP)
                    .partitionsToOffsetAndMetadata().get();
            assertThat(fetched.keySet()).isEqualTo(committed.keySet());
            committed.forEach((tp, o) -> {
                assertThat(fetched.get(tp).offset()).isEqualTo(o.offset());
                assertThat(fetched.get(tp).metadata()).isEqualTo(o.metadata());
            });
            // The group is known (Empty: its member left on close); its offsets are in the internal topic.
            ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(GROUP)).all().get().get(GROUP);
            assertThat(d.groupState()).isEqualTo(GroupState.EMPTY);
            assertThat(admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get())
                    .containsExactlyInAnyOrder(TOPIC, "__consumer_offsets");
            assertThat(admin.listTopics().names().get()).containsOnly(TOPIC);

            // A consumer of the group resumes exactly there.
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                    GroupTestSupport.consumerProps(broker.bootstrapServers(), GROUP, "auditor-2"))) {
                consumer.subscribe(List.of(TOPIC));
                List<ConsumerRecord<String, String>> records = new ArrayList<>();
                long deadline = System.nanoTime() + 30_000_000_000L;
                while (records.size() < 90 - 63 && System.nanoTime() < deadline) {
                    consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                }
                assertThat(records).hasSize(90 - 63);
                for (ConsumerRecord<String, String> r : records) {
                    long from = committed.get(new TopicPartition(TOPIC, r.partition())).offset();
                    assertThat(r.offset()).isGreaterThanOrEqualTo(from);
                }
            }
        }
    }

    @Test
    void groupMetadataSurvivesARestartSoMembersCarryOnWithoutARebalance() throws Exception {
        try (CoordinatorHarness h = new CoordinatorHarness(dir, CoordinatorHarness.fastConfig())) {
            JoinResult a = get(h.joinNew(GROUP, 30_000, 30_000, TOPIC));
            h.sync(GROUP, a, Map.of(a.memberId(), new byte[] {9, 9}));
            CompletableFuture<JoinResult> staticJoin = h.join(joinRequest(GROUP, "", "static-1", 30_000, 30_000, TOPIC));
            JoinResult a2 = get(h.join(joinRequest(GROUP, a.memberId(), null, 30_000, 30_000, TOPIC)));
            JoinResult s = get(staticJoin);
            assertThat(a2.generationId()).isEqualTo(2).isEqualTo(s.generationId());
            h.sync(GROUP, a2, Map.of(a.memberId(), new byte[] {1}, s.memberId(), new byte[] {2}));
            h.commit(GROUP, a.memberId(), 2, new TopicPartition(TOPIC, 0), 123);

            h.restart();

            GroupSnapshot d = get(h.coordinator.describeGroup(GROUP)).orElseThrow();
            assertThat(d.state()).isEqualTo(io.samsa.broker.group.GroupState.STABLE);
            assertThat(d.protocolData()).isEqualTo("range");
            assertThat(d.members()).extracting(GroupSnapshot.Member::memberId)
                    .containsExactlyInAnyOrder(a.memberId(), s.memberId());
            assertThat(h.heartbeat(GROUP, a.memberId(), 2)).isEqualTo(Errors.NONE);
            assertThat(get(h.coordinator.heartbeat(GROUP, s.memberId(), "static-1", 2))).isEqualTo(Errors.NONE);
            SyncResult again = get(h.coordinator.syncGroup(new SyncRequest(GROUP, 2, s.memberId(), "static-1", null,
                    null, Map.of())));
            assertThat(again.assignment()).containsExactly(2);
            assertThat(h.fetch(GROUP).get(new TopicPartition(TOPIC, 0)).offset()).isEqualTo(123);
            // The generation carries on from where it was.
            CompletableFuture<JoinResult> next = h.joinNew(GROUP, 30_000, 30_000, TOPIC);
            CompletableFuture<JoinResult> a3 = h.join(joinRequest(GROUP, a.memberId(), null, 30_000, 30_000, TOPIC));
            CompletableFuture<JoinResult> s3 = h.join(joinRequest(GROUP, s.memberId(), "static-1", 30_000, 30_000, TOPIC));
            assertThat(get(a3).generationId()).isEqualTo(3);
            assertThat(get(s3).generationId()).isEqualTo(3);
            assertThat(get(next).generationId()).isEqualTo(3);
        }
    }

    @Test
    void anUncleanStopLosesNoCommit() throws Exception {
        CoordinatorHarness crashed = new CoordinatorHarness(dir, CoordinatorHarness.fastConfig());
        for (int i = 0; i < 50; i++) {
            crashed.commit("g" + (i % 5), "", -1, new TopicPartition(TOPIC, i % 3), i);
        }
        // No close (no flush, no snapshot): a second coordinator reads what the first one wrote.
        try (CoordinatorHarness h = new CoordinatorHarness(dir.resolve("copy"), CoordinatorHarness.fastConfig())) {
            copyLog(dir, dir.resolve("copy"));
            h.restart();
            for (int g = 0; g < 5; g++) {
                Map<TopicPartition, CommittedOffset> offsets = h.fetch("g" + g);
                assertThat(offsets).isNotEmpty();
            }
            // The last commit of g4 to partition (49 % 3 = 1) was offset 49.
            assertThat(h.fetch("g4").get(new TopicPartition(TOPIC, 1)).offset()).isEqualTo(49);
        } finally {
            crashed.close();
        }
    }

    private static void copyLog(Path from, Path to) throws Exception {
        Path src = from.resolve(LocalTestCoordinatorLog.DIR_NAME);
        Path dst = to.resolve(LocalTestCoordinatorLog.DIR_NAME);
        try (Stream<Path> files = Files.list(dst)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        try (Stream<Path> files = Files.list(src)) {
            for (Path f : files.toList()) {
                if (f.getFileName().toString().endsWith(".log")) {
                    Files.copy(f, dst.resolve(f.getFileName()));
                }
            }
        }
    }
}
