package io.samsa.metadata.quorum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.samsa.metadata.MetadataImage;
import io.samsa.metadata.MetadataStateMachine;
import org.apache.kafka.common.errors.TopicExistsException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Broker-only nodes: an observer follows three real Ratis voters on loopback without voting. */
class QuorumObserverTest {
    @TempDir
    Path dir;
    QuorumTestCluster cluster;
    final List<QuorumObserver> observers = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        cluster = new QuorumTestCluster(dir, 3, 10_000, 8 << 20);
        for (QuorumTestCluster.Member m : cluster.members.values()) {
            m.log.setControllerRequestHandler(request -> CompletableFuture.completedFuture(
                    ("node " + m.id + " got " + new String(request, StandardCharsets.UTF_8))
                            .getBytes(StandardCharsets.UTF_8)));
        }
    }

    @AfterEach
    void stop() throws Exception {
        for (QuorumObserver o : observers) {
            o.close();
        }
        cluster.close();
    }

    private QuorumObserver observer(int nodeId, MetadataStateMachine state) {
        QuorumObserver o = new QuorumObserver(nodeId, cluster.voters());
        observers.add(o);
        o.start(state);
        return o;
    }

    private static long join(java.util.concurrent.CompletionStage<Long> stage) throws Exception {
        return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private void awaitSameImage(MetadataStateMachine observed, long offset) {
        QuorumTestCluster.await(() -> observed.image().offset() >= offset, "the observer at offset " + offset);
        MetadataImage voters = cluster.imagesAt(offset).get(0);
        assertThat(observed.image()).isEqualTo(voters);
    }

    @Test
    void observerLearnsTheImageThenEveryBatchAndRejectsAConflictAsTheVotersDo() throws Exception {
        QuorumTestCluster.Member leader = cluster.awaitActive();
        long first = join(leader.log.append(RatisMetadataLogTest.topic("before", 2)));
        MetadataStateMachine state = new MetadataStateMachine();
        QuorumObserver observer = observer(100, state);
        awaitSameImage(state, first);

        long second = join(leader.log.append(RatisMetadataLogTest.topic("after", 3)));
        assertThatThrownBy(() -> join(leader.log.append(RatisMetadataLogTest.topic("after", 1))))
                .hasCauseInstanceOf(TopicExistsException.class);
        long last = join(leader.log.append(RatisMetadataLogTest.topic("last", 1)));
        assertThat(last).isGreaterThan(second);
        awaitSameImage(state, last);
        assertThat(state.image().topics().get("after").partitionCount()).isEqualTo(3);
        assertThat(observer.leaderId()).isEqualTo(leader.id);
        assertThat(observer.isActive()).isFalse();
    }

    @Test
    void theLeadersStatusListsTheObserversAndAnObserverReportsIt() throws Exception {
        QuorumTestCluster.Member leader = cluster.awaitActive();
        long offset = join(leader.log.append(RatisMetadataLogTest.topic("t", 1)));
        MetadataStateMachine state = new MetadataStateMachine();
        QuorumObserver observer = observer(100, state);
        awaitSameImage(state, offset);
        QuorumTestCluster.await(() -> leader.log.status().observers().stream()
                .anyMatch(o -> o.replicaId() == 100 && o.logEndOffset() >= offset), "the leader lists observer 100");
        QuorumStatus status = observer.status();
        assertThat(status.leaderId()).isEqualTo(leader.id);
        assertThat(status.voters()).extracting(QuorumStatus.ReplicaState::replicaId).containsExactly(1, 2, 3);
        assertThat(status.voters()).allSatisfy(v -> assertThat(v.logEndOffset()).isGreaterThanOrEqualTo(offset));
        assertThat(status.observers()).extracting(QuorumStatus.ReplicaState::replicaId).containsExactly(100);
    }

    @Test
    void anObserverFurtherBehindThanTheKeptBatchesGetsTheWholeImage() throws Exception {
        QuorumTestCluster.Member leader = cluster.awaitActive();
        int half = MetadataFeed.MAX_RECORDS / 2 + 1;
        join(leader.log.append(RatisMetadataLogTest.topic("big-1", half)));
        long offset = join(leader.log.append(RatisMetadataLogTest.topic("big-2", half)));
        MetadataStateMachine state = new MetadataStateMachine();
        observer(100, state);
        awaitSameImage(state, offset);
        assertThat(state.image().topics().all()).hasSize(2);
    }

    @Test
    void callsReachTheLeaderAndFollowANewOneAfterTheOldStops() throws Exception {
        QuorumTestCluster.Member leader = cluster.awaitActive();
        MetadataStateMachine state = new MetadataStateMachine();
        QuorumObserver observer = observer(100, state);
        byte[] answer = observer.call("hello".getBytes(StandardCharsets.UTF_8)).toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        assertThat(new String(answer, StandardCharsets.UTF_8)).isEqualTo("node " + leader.id + " got hello");

        cluster.stop(leader.id);
        QuorumTestCluster.Member next = cluster.awaitActive();
        long offset = join(next.log.append(RatisMetadataLogTest.topic("after-failover", 1)));
        awaitSameImage(state, offset);
        QuorumTestCluster.await(() -> observer.leaderId() == next.id, "the observer knows the new leader");
        answer = observer.call("again".getBytes(StandardCharsets.UTF_8)).toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        assertThat(new String(answer, StandardCharsets.UTF_8)).isEqualTo("node " + next.id + " got again");
    }
}
