package io.samsa.metadata.quorum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import io.samsa.metadata.MetadataImage;
import io.samsa.metadata.MetadataRecord;
import io.samsa.metadata.PartitionRecord;
import io.samsa.metadata.TopicRecord;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.NotControllerException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three real Ratis members on loopback: replication, rejection, the controller channel, leadership, status. */
class RatisMetadataLogTest {
    @TempDir
    Path dir;
    QuorumTestCluster cluster;

    @BeforeEach
    void start() throws Exception {
        cluster = new QuorumTestCluster(dir, 3, 10_000, 8 << 20);
    }

    @AfterEach
    void stop() throws Exception {
        cluster.close();
    }

    static List<MetadataRecord> topic(String name, int partitions) {
        Uuid id = Uuid.randomUuid();
        List<MetadataRecord> records = new java.util.ArrayList<>();
        records.add(new TopicRecord(name, id));
        for (int p = 0; p < partitions; p++) {
            records.add(PartitionRecord.singleNode(id, p, 1));
        }
        return records;
    }

    static long join(java.util.concurrent.CompletionStage<Long> stage) throws Exception {
        return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Test
    void appendFromFollowerCommitsTheSameImageEverywhere() throws Exception {
        QuorumTestCluster.Member follower = cluster.follower();
        long offset = join(follower.log.append(topic("a", 3)));
        // Applied on the appending node before the append completed.
        assertThat(follower.state.image().offset()).isGreaterThanOrEqualTo(offset);
        assertThat(follower.state.image().topics().get("a").partitionCount()).isEqualTo(3);
        long second = join(cluster.awaitActive().log.append(topic("b", 1)));
        assertThat(second).isGreaterThan(offset);
        List<MetadataImage> images = cluster.imagesAt(second);
        assertThat(images).allSatisfy(image -> assertThat(image).isEqualTo(images.get(0)));
        assertThat(images.get(0).topics().all()).hasSize(2);
    }

    @Test
    void conflictingBatchIsRejectedEverywhereAndFailsWithTheKafkaError() throws Exception {
        QuorumTestCluster.Member follower = cluster.follower();
        long first = join(follower.log.append(topic("dup", 1)));
        CompletableFuture<Long> again = follower.log.append(topic("dup", 2)).toCompletableFuture();
        assertThatThrownBy(() -> again.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(TopicExistsException.class);
        long next = join(follower.log.append(topic("other", 1)));
        List<MetadataImage> images = cluster.imagesAt(next);
        assertThat(images).allSatisfy(image -> {
            assertThat(image).isEqualTo(images.get(0));
            assertThat(image.topics().get("dup").partitionCount()).isEqualTo(1);
        });
        // The rejected batch moved the offset: waiting for it does not hang.
        assertThat(follower.state.awaitOffset(first + 1).toCompletableFuture().get(10, TimeUnit.SECONDS)
                .topics().get("dup").partitionCount()).isEqualTo(1);
    }

    @Test
    void leadershipListenerFiresOnExactlyOneMember() {
        QuorumTestCluster.Member leader = cluster.awaitActive();
        assertThat(leader.log.leaderId()).isEqualTo(leader.id);
        assertThat(cluster.members.values().stream().filter(m -> m.active.get())).containsExactly(leader);
        QuorumTestCluster.await(() -> cluster.members.values().stream().allMatch(m -> m.log.leaderId() == leader.id),
                "every member knows the leader");
    }

    @Test
    void controllerChannelReachesTheLeadersHandlerAndFailsWithoutQuorum() throws Exception {
        for (QuorumTestCluster.Member m : cluster.members.values()) {
            m.log.setControllerRequestHandler(request -> CompletableFuture.completedFuture(
                    ("node " + m.id + " got " + new String(request, StandardCharsets.UTF_8))
                            .getBytes(StandardCharsets.UTF_8)));
        }
        QuorumTestCluster.Member leader = cluster.awaitActive();
        QuorumTestCluster.Member follower = cluster.follower();
        byte[] response = follower.log.call("hello".getBytes(StandardCharsets.UTF_8)).toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        assertThat(new String(response, StandardCharsets.UTF_8)).isEqualTo("node " + leader.id + " got hello");

        // A handler's Kafka error travels back as itself.
        leader.log.setControllerRequestHandler(request -> CompletableFuture.failedFuture(
                new TopicExistsException("exists")));
        assertThatThrownBy(() -> follower.log.call(new byte[0]).toCompletableFuture().get(30, TimeUnit.SECONDS))
                .hasCauseInstanceOf(TopicExistsException.class).hasMessageContaining("exists");

        QuorumStatus status = leader.log.status();
        assertThat(status.leaderId()).isEqualTo(leader.id);
        assertThat(status.voters()).extracting(QuorumStatus.ReplicaState::replicaId).containsExactly(1, 2, 3);
        assertThat(status.voters()).allSatisfy(v -> assertThat(v.lastFetchTimestampMs()).isPositive());

        int survivor = follower.id;
        for (int id : List.of(1, 2, 3)) {
            if (id != survivor) {
                cluster.stop(id);
            }
        }
        assertThatThrownBy(() -> follower.log.call(new byte[0]).toCompletableFuture().get(60, TimeUnit.SECONDS))
                .hasCauseInstanceOf(NotControllerException.class);
        assertThat(follower.log.isActive()).isFalse();
    }
}
