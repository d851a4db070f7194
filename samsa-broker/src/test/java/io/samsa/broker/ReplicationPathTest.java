package io.samsa.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.LogTruncationException;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.broker.replica.AlterPartitionSender;
import io.samsa.broker.replica.Batches;
import io.samsa.broker.replica.IsrContext;
import io.samsa.broker.replica.LeaderAndIsr;
import io.samsa.broker.replica.Partition;
import io.samsa.broker.replica.PartitionKey;
import io.samsa.broker.replica.PartitionListener;
import io.samsa.broker.replica.ReplicaManager;
import io.samsa.broker.replica.ReplicationSettings;
import io.samsa.broker.replica.fetcher.FetchTarget;
import io.samsa.broker.replica.fetcher.ReplicaFetcherManager;
import io.samsa.broker.topic.BrokerMetadata;
import io.samsa.broker.topic.TopicInfo;
import io.samsa.log.Log;
import io.samsa.log.LogConfig;
import io.samsa.log.ReadResult;
import io.samsa.metadata.MetadataController;
import io.samsa.metadata.PartitionRecord;

/**
 * The replication path from outside: a real Samsa broker (node 1) given a replicated partition state through its
 * replica manager, and a follower (node 2) in the test — its own log and partition, fetched by a real
 * {@code ReplicaFetcherThread} over a socket to the broker. Stock kafka-clients produce and consume. The controller
 * is played by an {@link AlterPartitionSender} that commits every ISR change it is asked for and records it.
 */
@Timeout(60)
class ReplicationPathTest {
    private static final int LEADER = 1;
    private static final int FOLLOWER = 2;
    private static final long LAG_MS = 600;

    @TempDir
    Path followerDir;
    private SamsaBroker broker;
    private ReplicaManager leaderReplicas;
    private final BlockingQueue<List<Integer>> isrChanges = new LinkedBlockingQueue<>();
    private ReplicationSettings settings;
    private ReplicaFetcherManager fetchers;
    private Partition follower;
    private Log followerLog;
    private final List<AutoCloseable> clients = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        broker = SamsaBroker.startEmbedded(Map.of("node.id", String.valueOf(LEADER)));
        leaderReplicas = broker.replicaManager();
        settings = ReplicationSettings.DEFAULTS.withLagTimeMaxMs(LAG_MS).withFetchBackoffMs(100)
                .withFetchWaitMaxMs(200);
        AlterPartitionSender controller = (partition, current, newIsr) -> {
            isrChanges.add(newIsr);
            return CompletableFuture.completedFuture(new LeaderAndIsr(current.leaderId(), current.leaderEpoch(),
                    current.replicas(), newIsr, current.partitionEpoch() + 1));
        };
        leaderReplicas.startReplication(settings, controller, this::address);
    }

    private Optional<InetSocketAddress> address(int brokerId) {
        return brokerId == LEADER ? Optional.of(new InetSocketAddress("127.0.0.1", broker.port())) : Optional.empty();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : clients) {
            c.close();
        }
        if (fetchers != null) {
            fetchers.close();
        }
        if (followerLog != null) {
            followerLog.close();
        }
        broker.close();
    }

    /** The follower's replica of {@code topic}-0 following {@code state}, and a fetcher manager for it. */
    private PartitionKey follow(TopicInfo topic, LeaderAndIsr state) throws Exception {
        PartitionKey key = new PartitionKey(topic.id(), 0);
        followerLog = Log.open(followerDir.resolve(topic.name() + "-0"), LogConfig.DEFAULTS, Clock.systemUTC(), 0,
                true);
        follower = new Partition(key, topic.name(), FOLLOWER, state, followerLog, PartitionListener.NONE,
                IsrContext.singleNode());
        fetchers = new ReplicaFetcherManager(FOLLOWER, settings, this::address,
                k -> k.equals(key) ? Optional.of(follower) : Optional.empty());
        return key;
    }

    private void startFetching(PartitionKey key, int leaderEpoch) {
        fetchers.addPartitions(Map.of(key, new FetchTarget(LEADER, leaderEpoch, follower.logEndOffset())));
    }

    @Test
    void acksAllIsAnsweredOnlyOnceTheFollowerHasTheRecordsAndItsLogEqualsTheLeadersByteForByte() throws Exception {
        TopicInfo topic = broker.topics().create("replicated", 1, Map.of());
        LeaderAndIsr state = new LeaderAndIsr(LEADER, 1, List.of(LEADER, FOLLOWER), List.of(LEADER, FOLLOWER), 1);
        leaderReplicas.applyPartitionState(topic, 0, state);
        PartitionKey key = follow(topic, new LeaderAndIsr(LEADER, 1, state.replicas(), state.isr(), 1));
        Partition leader = leaderReplicas.hostedPartition(key).orElseThrow();

        KafkaProducer<byte[], byte[]> producer = producer();
        Future<RecordMetadata> first = producer.send(new ProducerRecord<>("replicated", "first".getBytes()));
        await(() -> leader.logEndOffset() == 1, "the leader appended the record");
        assertThat(first.isDone()).as("acks=all waits for the follower in the ISR").isFalse();

        startFetching(key, 1);
        assertThat(first.get(30, TimeUnit.SECONDS).offset()).isZero();
        assertThat(follower.logEndOffset()).as("the follower had it before the acknowledgement").isEqualTo(1);

        List<Future<RecordMetadata>> more = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            more.add(producer.send(new ProducerRecord<>("replicated", ("r" + i).getBytes())));
        }
        for (Future<RecordMetadata> f : more) {
            f.get(30, TimeUnit.SECONDS);
        }
        await(() -> follower.logEndOffset() == leader.logEndOffset(), "the follower caught up");
        assertThat(bytes(followerLog)).isEqualTo(bytes(leader.log()));
        assertThat(followerLog.epochStartOffset(1)).isEqualTo(leader.log().epochStartOffset(1)).isZero();
        await(() -> followerLog.highWatermark() == leader.highWatermark(), "the high watermark reached the follower");
        assertThat(isrChanges).as("the ISR never changed").isEmpty();
        assertThat(leaderReplicas.underReplicatedPartitions()).isZero();
    }

    @Test
    void aFollowerWithAnExtraTailInAnOldEpochTruncatesToTheLeadersEndOfThatEpochAndJoinsTheIsr() throws Exception {
        TopicInfo topic = broker.topics().create("diverged", 1, Map.of());
        Partition leader = leaderReplicas.partition(topic, 0); // single-node state: epoch 0
        leader.appendAsLeader(Batches.of(3));
        ByteBuffer shared = bytes(leader.log());
        LeaderAndIsr epoch2 = new LeaderAndIsr(LEADER, 2, List.of(LEADER, FOLLOWER), List.of(LEADER), 1);
        leaderReplicas.applyPartitionState(topic, 0, epoch2);
        leader.appendAsLeader(Batches.of(2));

        PartitionKey key = follow(topic, epoch2);
        follower.appendAsFollower(2, shared);
        follower.appendAsFollower(2, withEpoch(Batches.of(3), 3, 0)); // offsets 3-5 in epoch 0: the leader never had them
        assertThat(follower.logEndOffset()).isEqualTo(6);

        startFetching(key, 2);
        await(() -> follower.logEndOffset() == 5 && followerLog.latestEpoch() == 2, "the follower truncated and caught up");
        assertThat(bytes(followerLog)).isEqualTo(bytes(leader.log()));
        assertThat(followerLog.epochStartOffset(0)).isZero();
        assertThat(followerLog.epochStartOffset(2)).isEqualTo(3);
        assertThat(isrChanges.poll(30, TimeUnit.SECONDS)).as("caught up: joins the ISR")
                .containsExactly(LEADER, FOLLOWER);
        await(() -> leader.isr().equals(List.of(LEADER, FOLLOWER)), "the committed ISR applied");
        assertThat(leaderReplicas.metrics().isrExpands()).isOne();
    }

    @Test
    void aConsumerPositionPastTheEndOfItsEpochIsReportedAsTruncationThroughOffsetForLeaderEpoch() throws Exception {
        TopicInfo topic = broker.topics().create("validated", 1, Map.of());
        Partition leader = leaderReplicas.partition(topic, 0);
        leader.appendAsLeader(Batches.of(3));
        // Epoch 2 in the metadata (what Metadata tells the consumer) and in the partition (what it enforces).
        BrokerMetadata.await(((MetadataController) broker.metadata().controller()).write(List.of(
                new PartitionRecord(topic.id(), 0, List.of(LEADER), List.of(LEADER), LEADER, 2, 1))));
        leaderReplicas.applyPartitionState(topic, 0, new LeaderAndIsr(LEADER, 2, List.of(LEADER), List.of(LEADER), 1));
        leader.appendAsLeader(Batches.of(4));

        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + broker.port(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        clients.add(consumer);
        TopicPartition tp = new TopicPartition("validated", 0);
        consumer.assign(List.of(tp));
        // The consumer believes it read up to offset 5 in epoch 0; the leader's epoch 0 ended at 3.
        consumer.seek(tp, new OffsetAndMetadata(5, Optional.of(0), ""));
        assertThatThrownBy(() -> {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(100));
            }
        }).isInstanceOfSatisfying(LogTruncationException.class, e ->
                assertThat(e.divergentOffsets().get(tp).offset()).isEqualTo(3));

        consumer.seek(tp, new OffsetAndMetadata(3, Optional.of(0), ""));
        assertThat(consumer.poll(Duration.ofSeconds(10)).records(tp)).as("a valid position reads on")
                .isNotEmpty().first().satisfies(r -> assertThat(r.offset()).isEqualTo(3));
    }

    @Test
    void aFollowerThatStopsFetchingLeavesTheIsrAfterTheLagTimeAndJoinsAgainWhenItCatchesUp() throws Exception {
        TopicInfo topic = broker.topics().create("lagging", 1, Map.of());
        LeaderAndIsr state = new LeaderAndIsr(LEADER, 1, List.of(LEADER, FOLLOWER), List.of(LEADER, FOLLOWER), 1);
        leaderReplicas.applyPartitionState(topic, 0, state);
        PartitionKey key = follow(topic, state);
        Partition leader = leaderReplicas.hostedPartition(key).orElseThrow();
        startFetching(key, 1);
        KafkaProducer<byte[], byte[]> producer = producer();
        producer.send(new ProducerRecord<>("lagging", "a".getBytes())).get(30, TimeUnit.SECONDS);

        fetchers.removePartitions(List.of(key));
        leader.appendAsLeader(Batches.of(2)); // the follower no longer has the leader's log end
        assertThat(isrChanges.poll(30, TimeUnit.SECONDS)).as("shrunk after " + LAG_MS + " ms")
                .containsExactly(LEADER);
        await(() -> leader.isr().equals(List.of(LEADER)), "the shrink applied");
        assertThat(leaderReplicas.metrics().isrShrinks()).isOne();
        assertThat(leaderReplicas.underReplicatedPartitions()).isOne();
        await(() -> leader.highWatermark() == leader.logEndOffset(), "the high watermark no longer waits");

        startFetching(key, 1);
        assertThat(isrChanges.poll(30, TimeUnit.SECONDS)).as("back in the ISR").containsExactly(LEADER, FOLLOWER);
        await(() -> leader.isr().equals(List.of(LEADER, FOLLOWER)), "the expand applied");
        assertThat(leaderReplicas.metrics().isrExpands()).isOne();
        assertThat(leaderReplicas.underReplicatedPartitions()).isZero();
        assertThat(fetchers.maxLagByLeader()).containsKey(LEADER);
    }

    private KafkaProducer<byte[], byte[]> producer() {
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + broker.port(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 0),
                new ByteArraySerializer(), new ByteArraySerializer());
        clients.add(producer);
        return producer;
    }

    /** Every byte of the log's batches, from the log start to its end. */
    private static ByteBuffer bytes(Log log) throws Exception {
        ReadResult r = log.read(log.logStartOffset(), Integer.MAX_VALUE, true);
        ByteBuffer out = ByteBuffer.allocate(r.sizeInBytes());
        while (out.hasRemaining()) {
            if (r.channel().read(out, r.position() + out.position()) < 0) {
                break;
            }
        }
        return out.flip();
    }

    /** {@code batch} at {@code baseOffset} in leader epoch {@code epoch} (neither is covered by the CRC). */
    private static ByteBuffer withEpoch(ByteBuffer batch, long baseOffset, int epoch) {
        batch.putLong(batch.position(), baseOffset);
        batch.putInt(batch.position() + 12, epoch);
        return batch;
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out waiting until " + what);
            }
            Thread.sleep(10);
        }
    }
}
