package io.samsa.broker.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.broker.topic.TopicInfo;
import io.samsa.broker.topic.TopicRegistry;
import io.samsa.log.FetchIsolation;
import io.samsa.log.LogConfig;
import io.samsa.log.LogManager;
import io.samsa.testkit.CraftedBatch;

/** The single-node ReplicaManager: partitions looked up by topic id, this node leading each, acks semantics. */
class ReplicaManagerTest {
    private static final int NODE = 7;

    @TempDir
    Path data;
    private TopicRegistry topics;
    private LogManager logs;
    private ReplicaManager replicas;

    @BeforeEach
    void open() throws Exception {
        topics = new TopicRegistry(data.resolve("__samsa_meta"), LogConfig.DEFAULTS, 100, 1);
        logs = LogManager.open(data, topics::logConfig, Clock.systemUTC());
        topics.attach(logs);
        replicas = new ReplicaManager(NODE, topics, PartitionListener.NONE);
    }

    @AfterEach
    void close() throws Exception {
        logs.close();
    }

    @Test
    void everyPartitionIsLedByThisNodeAtEpochZeroAlone() throws Exception {
        TopicInfo t = topics.create("t", 2, Map.of());
        assertThat(replicas.leaderAndIsr(t, 1)).isEqualTo(new LeaderAndIsr(NODE, 0, List.of(NODE), List.of(NODE)));
        Partition p = replicas.leaderPartition(t, 1, 0);
        assertThat(p.role()).isEqualTo(PartitionRole.LEADER);
        assertThat(replicas.partition(t, 1)).as("kept while its log is served").isSameAs(p);
        assertThat(replicas.leaderAndIsr(t, 1)).isEqualTo(p.leaderAndIsr());
        assertThatThrownBy(() -> replicas.partition(t, 2)).isInstanceOf(UnknownTopicOrPartitionException.class);
    }

    @Test
    void aReCreatedTopicGetsNewPartitions() throws Exception {
        TopicInfo first = topics.create("t", 1, Map.of());
        Partition old = replicas.partition(first, 0);
        replicas.appendAsLeader(old, first, Batches.of(2), (short) 1);
        topics.delete("t");
        TopicInfo second = topics.create("t", 1, Map.of());
        Partition fresh = replicas.partition(second, 0);
        assertThat(fresh).isNotSameAs(old);
        assertThat(fresh.key().topicId()).isEqualTo(second.id());
        assertThat(fresh.highWatermark()).isZero();
    }

    @Test
    void acksAllNeedsMinInsyncReplicasAndAcksOneDoesNot() throws Exception {
        TopicInfo t = topics.create("strict", 1, Map.of("min.insync.replicas", "2"));
        Partition p = replicas.partition(t, 0);
        assertThatThrownBy(() -> replicas.appendAsLeader(p, t, Batches.of(1), (short) -1))
                .isInstanceOf(NotEnoughReplicasException.class);
        assertThat(p.logEndOffset()).as("refused before appending").isZero();
        replicas.appendAsLeader(p, t, Batches.of(1), (short) 1);
        assertThat(p.highWatermark()).isEqualTo(1);
    }

    @Test
    void transactionalBatchesAreRefused() throws Exception {
        TopicInfo t = topics.create("t", 1, Map.of());
        Partition p = replicas.partition(t, 0);
        ByteBuffer transactional = CraftedBatch.of(new byte[0]).count(0).attributes(0x10)
                .producer(1, (short) 0, 0).build();
        assertThatThrownBy(() -> replicas.appendAsLeader(p, t, transactional, (short) 1))
                .isInstanceOf(InvalidTxnStateException.class);
    }

    @Test
    void aConsumerReadsBelowTheHighWatermarkAndABrokerThatIsNotAReplicaIsRefused() throws Exception {
        TopicInfo t = topics.create("t", 1, Map.of());
        Partition p = replicas.partition(t, 0);
        replicas.appendAsLeader(p, t, Batches.of(3), (short) -1);
        assertThat(replicas.isolationFor(p, -1)).isEqualTo(FetchIsolation.HIGH_WATERMARK);
        PartitionRead read = replicas.read(p, -1, 0, 1 << 20, true);
        assertThat(read.records().sizeInBytes()).isPositive();
        assertThat(read.highWatermark()).isEqualTo(3);
        assertThatThrownBy(() -> replicas.read(p, 3, 0, 1 << 20, true))
                .isInstanceOf(NotLeaderOrFollowerException.class);
    }

    @Test
    void metadataStatesMakeThePartitionFollowAndLeadAgainAtNewerEpochsOnly() throws Exception {
        TopicInfo t = topics.create("m", 1, Map.of());
        PartitionKey key = new PartitionKey(t.id(), 0);
        replicas.applyPartitionState(key, new LeaderAndIsr(NODE, 1, List.of(NODE, 8), List.of(NODE, 8), 1));
        Partition p = replicas.hostedPartition(key).orElseThrow();
        assertThat(p.role()).isEqualTo(PartitionRole.LEADER);
        assertThat(replicas.underReplicatedPartitions()).isZero();
        replicas.applyPartitionState(key, new LeaderAndIsr(NODE, 1, List.of(NODE, 8), List.of(NODE), 2));
        assertThat(replicas.underReplicatedPartitions()).isOne();
        replicas.applyPartitionState(key, new LeaderAndIsr(8, 2, List.of(NODE, 8), List.of(8), 3));
        assertThat(p.role()).isEqualTo(PartitionRole.FOLLOWER);
        assertThat(replicas.underReplicatedPartitions()).isZero();
        assertThatThrownBy(() -> replicas.appendAsLeader(p, t, Batches.of(1), (short) 1))
                .isInstanceOf(NotLeaderOrFollowerException.class);
        replicas.applyPartitionState(key, new LeaderAndIsr(NODE, 1, List.of(NODE, 8), List.of(NODE), 9));
        assertThat(p.role()).as("an older leader epoch is ignored").isEqualTo(PartitionRole.FOLLOWER);
        replicas.applyPartitionState(key, new LeaderAndIsr(8, 2, List.of(8), List.of(8), 4));
        assertThat(replicas.hostedPartition(key)).as("no longer a replica here").isEmpty();
        assertThat(p.leaderAndIsr().leaderId()).as("the dropped replica follows nobody").isEqualTo(LeaderAndIsr.NO_LEADER);
    }
}
