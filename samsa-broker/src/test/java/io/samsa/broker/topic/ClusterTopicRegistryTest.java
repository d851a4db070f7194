package io.samsa.broker.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.broker.testing.FakeClusterController;
import io.samsa.log.LogConfig;
import io.samsa.log.LogFiles;
import io.samsa.log.LogManager;
import io.samsa.metadata.ControllerApi;
import io.samsa.metadata.LocalMetadataLog;
import io.samsa.metadata.MetadataCommitListener;
import io.samsa.metadata.MetadataRecord;
import io.samsa.metadata.MetadataStateMachine;

/**
 * Two brokers of a three-broker cluster, nodes 1 and 2, each with its own data directory and its own state machine
 * fed the same committed batches (node 1's is the one the controller writes through, so node 1 prepares; node 2
 * only applies, as a broker that did not write). Each holds logs only for the partitions it replicates.
 */
class ClusterTopicRegistryTest {
    @TempDir
    Path dir;

    private final MetadataStateMachine state1 = new MetadataStateMachine();
    private final MetadataStateMachine state2 = new MetadataStateMachine();
    private final Fanout fanout = new Fanout(state1, state2);
    private LocalMetadataLog metadataLog;
    private FakeClusterController controller;
    private TopicRegistry node1;
    private TopicRegistry node2;
    private LogManager logs1;
    private LogManager logs2;

    @BeforeEach
    void open() throws Exception {
        metadataLog = new LocalMetadataLog(dir.resolve("metadata"), LogFiles::writeAtomically,
                LocalMetadataLog.DEFAULT_SNAPSHOT_BYTES);
        metadataLog.start(fanout);
        state1.finishReplay();
        state2.finishReplay();
        controller = new FakeClusterController(state1, metadataLog);
        node1 = new TopicRegistry(state1, controller, 1, LogConfig.DEFAULTS, 1);
        node2 = new TopicRegistry(state2, controller, 2, LogConfig.DEFAULTS, 1);
        logs1 = LogManager.open(dir.resolve("data1"), node1::logConfig, Clock.systemUTC());
        node1.attach(logs1);
        logs2 = LogManager.open(dir.resolve("data2"), node2::logConfig, Clock.systemUTC());
        node2.attach(logs2);
        for (int id = 1; id <= 3; id++) {
            controller.register(id, "127.0.0.1", 9090 + id, null);
        }
    }

    @AfterEach
    void close() throws Exception {
        logs1.close();
        logs2.close();
        metadataLog.close();
    }

    @Test
    void eachNodeHoldsLogsOnlyForItsReplicasAndDeletionRemovesThem() throws Exception {
        // Round-robin over [1, 2, 3] with two replicas: p0 [1, 2], p1 [2, 3], p2 [3, 1].
        TopicInfo t = node2.create("t", 3, (short) 2, Map.of());
        assertThat(logs1.logs().keySet()).containsExactlyInAnyOrder("t-0", "t-2");
        assertThat(logs2.logs().keySet()).containsExactlyInAnyOrder("t-0", "t-1");
        assertThat(node1.get("t")).get().extracting(TopicInfo::partitions).isEqualTo(3);
        assertThat(node2.get(t.id())).get().extracting(TopicInfo::partitions).isEqualTo(3);
        assertThat(node2.assignment(t.id(), 1)).get().satisfies(p -> {
            assertThat(p.replicas()).containsExactly(2, 3);
            assertThat(p.leader()).isEqualTo(2);
        });
        assertThat(node2.log("t", 1)).isSameAs(logs2.log("t", 1));
        assertThatThrownBy(() -> node2.log("t", 2)).isInstanceOf(NotLeaderOrFollowerException.class);
        assertThatThrownBy(() -> node2.log("t", 3)).isInstanceOf(UnknownTopicOrPartitionException.class);

        node1.addPartitions("t", 4, false); // p3 [1, 2]
        assertThat(logs1.logs().keySet()).containsExactlyInAnyOrder("t-0", "t-2", "t-3");
        assertThat(logs2.logs().keySet()).containsExactlyInAnyOrder("t-0", "t-1", "t-3");

        node2.delete("t");
        assertThat(node1.get("t")).isEmpty();
        assertThat(node2.get("t")).isEmpty();
        assertThat(logs1.logs()).isEmpty();
        assertThat(logs2.logs()).isEmpty();
    }

    @Test
    void anAlteredConfigReachesEveryNodesLogsAndIsAnsweredOnceApplied() throws Exception {
        node1.create("t", 3, (short) 2, Map.of("retention.ms", "1000")); // p0 [1, 2], p1 [2, 3], p2 [3, 1]
        fanout.holdSecond();
        CompletableFuture<Void> altered = node2.alterConfigsAsync(new ControllerApi.AlterTopicConfigs("t", List.of(
                new ControllerApi.ConfigChange("retention.ms", ControllerApi.ConfigChange.SET, "5000"),
                new ControllerApi.ConfigChange("segment.bytes", ControllerApi.ConfigChange.SET, "2097152")),
                false, false)).toCompletableFuture();
        assertThat(logs1.log("t", 0).config().retentionMs()).as("applied on node 1").isEqualTo(5000L);
        assertThat(logs1.log("t", 2).config().segmentBytes()).isEqualTo(2097152);
        assertThat(altered).as("node 2 has not applied it yet").isNotDone();
        assertThat(logs2.log("t", 1).config().retentionMs()).isEqualTo(1000L);

        fanout.releaseSecond();
        altered.get(30, TimeUnit.SECONDS);
        assertThat(logs2.log("t", 0).config().retentionMs()).isEqualTo(5000L);
        assertThat(logs2.log("t", 1).config().segmentBytes()).isEqualTo(2097152);
        assertThat(node2.get("t").orElseThrow().configOverrides())
                .isEqualTo(Map.of("retention.ms", "5000", "segment.bytes", "2097152"));
    }

    @Test
    void aRestartKeepsOnlyTheLocalReplicas() throws Exception {
        TopicInfo t = node1.create("t", 3, (short) 2, Map.of());
        // What a node can find after time away: a replica moved elsewhere, a topic deleted, a replica lost.
        logs2.create("t", 2, t.id().toString());
        logs2.create("gone", 0, Uuid.randomUuid().toString());
        logs2.close();
        LogFiles.deleteRecursively(dir.resolve("data2/t-1"));

        TopicRegistry restarted = new TopicRegistry(state2, controller, 2, LogConfig.DEFAULTS, 1);
        logs2 = LogManager.open(dir.resolve("data2"), restarted::logConfig, Clock.systemUTC());
        restarted.attach(logs2);
        assertThat(logs2.logs().keySet()).containsExactlyInAnyOrder("t-0", "t-1");
        assertThat(Files.exists(dir.resolve("data2/t-2"))).isFalse();
        assertThat(Files.exists(dir.resolve("data2/gone-0"))).isFalse();
        assertThat(logs2.topicId("t-1")).isEqualTo(t.id().toString());
        assertThatThrownBy(() -> restarted.log("t", 2)).isInstanceOf(NotLeaderOrFollowerException.class);
    }

    @Test
    void aWriteIsAnsweredOnlyOnceThisNodeHasAppliedIt() throws Exception {
        fanout.holdSecond();
        CompletableFuture<ControllerApi.TopicResult> created = node2.createAsync(new ControllerApi.CreateTopic(
                "late", 1, (short) 3, Map.of(), Map.of(), false)).toCompletableFuture();
        assertThat(node1.get("late")).as("committed and applied on node 1").isPresent();
        assertThat(created).as("node 2 has not applied it yet").isNotDone();
        assertThat(node2.get("late")).isEmpty();

        fanout.releaseSecond();
        assertThat(created.get(30, TimeUnit.SECONDS).topicId()).isEqualTo(node1.get("late").orElseThrow().id());
        assertThat(node2.get("late")).isPresent();
        assertThat(node2.log("late", 0)).isNotNull();
    }

    @Test
    void aValidateOnlyCreationIsAnsweredAtOnceAndCreatesNothing() throws Exception {
        ControllerApi.TopicResult checked = node2.createAsync(new ControllerApi.CreateTopic("v", 2, (short) 3,
                Map.of(), Map.of(), true)).toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertThat(checked.offset()).isEqualTo(-1);
        assertThat(node2.get("v")).isEmpty();
        assertThat(logs1.logs()).isEmpty();
    }

    /** Sends each committed batch to both state machines; the second can be held back (a lagging broker). */
    private static final class Fanout implements MetadataCommitListener {
        private final MetadataCommitListener first;
        private final MetadataCommitListener second;
        private final List<Runnable> held = new ArrayList<>();
        private boolean holding;

        Fanout(MetadataCommitListener first, MetadataCommitListener second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public io.samsa.metadata.MetadataImage image() {
            return first.image();
        }

        @Override
        public void replayed(List<MetadataRecord> records, long lastOffset) {
            first.replayed(records, lastOffset);
            second.replayed(records, lastOffset);
        }

        @Override
        public void committed(List<MetadataRecord> records, long lastOffset) {
            first.committed(records, lastOffset);
            synchronized (this) {
                if (holding) {
                    held.add(() -> second.committed(records, lastOffset));
                    return;
                }
            }
            second.committed(records, lastOffset);
        }

        synchronized void holdSecond() {
            holding = true;
        }

        void releaseSecond() {
            List<Runnable> due;
            synchronized (this) {
                holding = false;
                due = List.copyOf(held);
                held.clear();
            }
            due.forEach(Runnable::run);
        }
    }
}
