package io.samsa.broker.group;

import static io.samsa.broker.group.CoordinatorHarness.get;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.broker.SamsaBroker;

/**
 * The upgrade of a single node's data directory from the release that kept its groups in a local log under
 * {@code __samsa_meta}: the first start imports the live groups and offsets into {@code __consumer_offsets} (a
 * stock Admin sees them), moves the old log aside and never imports it again; a crash before the move imports
 * again harmlessly; a legacy log with nothing live creates no topic.
 */
class LegacyGroupLogImportTest {
    static final String TOPIC = "ledger";
    static final TopicPartition TP0 = new TopicPartition(TOPIC, 0);
    static final TopicPartition TP1 = new TopicPartition(TOPIC, 1);
    static final TopicPartition TP2 = new TopicPartition(TOPIC, 2);

    @TempDir
    Path dir;

    private SamsaBroker startBroker() throws Exception {
        return SamsaBroker.start(Map.of("listeners", "PLAINTEXT://127.0.0.1:0", "log.dirs", dir.toString(),
                "group.initial.rebalance.delay.ms", "0"));
    }

    private Path legacyDir() {
        return dir.resolve("__samsa_meta").resolve(LegacyGroupLog.DIR_NAME);
    }

    private Path importedDir() {
        return dir.resolve("__samsa_meta").resolve(LegacyGroupLog.IMPORTED_DIR_NAME);
    }

    /** A data directory with the topic (written by a broker) and a legacy group log (written as that release did). */
    private void oldRelease(boolean anythingLive) throws Exception {
        try (SamsaBroker broker = startBroker()) {
            GroupTestSupport.createTopic(broker.bootstrapServers(), TOPIC, 3);
        }
        // The old release's group log: records appended as batches to __samsa_meta/__consumer_offsets-0.
        try (CoordinatorHarness h = new CoordinatorHarness(dir.resolve("__samsa_meta"),
                CoordinatorHarness.fastConfig())) {
            h.commit("gone", "", -1, TP0, 1);
            get(h.coordinator.deleteGroups(List.of("gone")));
            if (!anythingLive) {
                return;
            }
            JoinResult a = get(h.joinNew("auditors", 30_000, 30_000, TOPIC));
            ByteBuffer assignment = ConsumerProtocol.serializeAssignment(
                    new ConsumerPartitionAssignor.Assignment(List.of(TP0, TP1, TP2)));
            byte[] bytes = new byte[assignment.remaining()];
            assignment.get(bytes);
            h.sync("auditors", a, Map.of(a.memberId(), bytes));
            h.commit("auditors", a.memberId(), a.generationId(), TP0, 123);
            h.commit("auditors", a.memberId(), a.generationId(), TP0, 124); // the newer one wins
            h.commit("auditors", a.memberId(), a.generationId(), TP1, 5);
            h.commit("simple", "", -1, TP2, 42);
            for (int g = 0; g < 30; g++) {
                h.commit("g-" + g, "", -1, TP1, 1000 + g); // spread over many partitions
            }
        }
        assertThat(legacyDir()).isDirectory();
    }

    private static Map<TopicPartition, OffsetAndMetadata> offsets(Admin admin, String group) throws Exception {
        return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
    }

    private static void assertImported(Admin admin) throws Exception {
        assertThat(offsets(admin, "auditors")).containsOnlyKeys(TP0, TP1);
        assertThat(offsets(admin, "auditors").get(TP0).offset()).isEqualTo(124);
        assertThat(offsets(admin, "auditors").get(TP1).offset()).isEqualTo(5);
        assertThat(offsets(admin, "simple").get(TP2).offset()).isEqualTo(42);
        for (int g = 0; g < 30; g++) {
            assertThat(offsets(admin, "g-" + g).get(TP1).offset()).isEqualTo(1000 + g);
        }
        assertThat(offsets(admin, "gone")).isEmpty();
        assertThat(admin.listConsumerGroups().all().get()).extracting(ConsumerGroupListing::groupId)
                .contains("auditors", "simple", "g-0", "g-29").doesNotContain("gone");
        // The member came back with the group (its session timer restarted), with its assignment.
        assertThat(admin.describeConsumerGroups(List.of("auditors")).all().get().get("auditors").members())
                .singleElement().satisfies(m -> assertThat(m.assignment().topicPartitions())
                        .containsExactlyInAnyOrder(TP0, TP1, TP2));
    }

    @Test
    void theFirstStartImportsTheLiveGroupsOnceAndMovesTheOldLogAside() throws Exception {
        oldRelease(true);
        try (SamsaBroker broker = startBroker();
             Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            assertImported(admin);
            assertThat(admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get())
                    .contains("__consumer_offsets");
            assertThat(legacyDir()).doesNotExist();
            assertThat(importedDir()).isDirectory();
            // A newer commit: a second import of the old log would put 42 back.
            admin.alterConsumerGroupOffsets("simple", Map.of(TP2, new OffsetAndMetadata(99))).all().get();
        }
        try (SamsaBroker broker = startBroker();
             Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            assertThat(offsets(admin, "simple").get(TP2).offset()).isEqualTo(99);
            assertThat(offsets(admin, "auditors").get(TP0).offset()).isEqualTo(124);
            assertThat(importedDir()).isDirectory();
        }
    }

    @Test
    void aCrashBeforeTheOldLogIsMovedAsideImportsAgainHarmlessly() throws Exception {
        oldRelease(true);
        try (SamsaBroker broker = startBroker()) {
            assertThat(importedDir()).isDirectory();
        }
        // As if the broker had died after writing the records into __consumer_offsets but before the rename.
        Files.move(importedDir(), legacyDir());
        try (SamsaBroker broker = startBroker();
             Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            assertImported(admin);
            assertThat(legacyDir()).doesNotExist();
            assertThat(importedDir()).isDirectory();
        }
    }

    @Test
    void anOldLogWithNothingLiveCreatesNoTopic() throws Exception {
        oldRelease(false);
        try (SamsaBroker broker = startBroker();
             Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            assertThat(admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get())
                    .containsOnly(TOPIC);
            assertThat(offsets(admin, "gone")).isEmpty();
            assertThat(legacyDir()).doesNotExist();
        }
    }
}
