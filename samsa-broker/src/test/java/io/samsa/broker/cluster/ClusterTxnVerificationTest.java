package io.samsa.broker.cluster;

import static io.samsa.broker.cluster.ClusterFixtures.awaitIsr;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData;
import org.apache.kafka.common.message.EndTxnRequestData;
import org.apache.kafka.common.message.EndTxnResponseData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.samsa.broker.protocol.RawKafkaConnection;
import io.samsa.testkit.SamsaCluster;

/**
 * Transaction verification between brokers (KIP-890 part 1) on a three-node cluster: a transactional batch sent to
 * a partition leader that is not the transactional id's coordinator is checked with that coordinator
 * (AddPartitionsToTxn v4, verify only). Without a coordinator (no {@code __transaction_state} yet) the batch is
 * refused with NOT_ENOUGH_REPLICAS, which producers retry. A producer that never added the partition is refused
 * INVALID_TXN_STATE and nothing is appended (a plain batch after it lands at offset 0, and read_committed is not
 * held); one with a stale epoch gets INVALID_PRODUCER_EPOCH; once AddPartitionsToTxn added the partition, its
 * batches are appended and commit. Raw requests, so that the producer can skip AddPartitionsToTxn as a stock
 * client never would.
 */
@Timeout(240)
class ClusterTxnVerificationTest {
    private static final String TOPIC = "verified";
    private static final int PARTITIONS = 3;
    private static final short PRODUCE_VERSION = 9;
    private static final Map<String, String> CONFIG = Map.of("transaction.state.log.num.partitions", "3",
            "offsets.topic.num.partitions", "3");

    @Test
    void aLeaderAsksTheCoordinatorOnAnotherBroker() throws Exception {
        try (SamsaCluster cluster = SamsaCluster.start(3, CONFIG);
                Admin admin = ClusterFixtures.admin(cluster.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 3))).all().get();
            awaitIsr(admin, TOPIC, 3);
            String txnId = "unverified-producer";
            // No __transaction_state yet, so no coordinator to ask: retriable for the producer, as Kafka answers.
            for (int p = 0; p < PARTITIONS; p++) {
                try (RawKafkaConnection lead = connect(cluster, ClusterFixtures.leaderOf(admin, TOPIC, p))) {
                    ProduceResponseData.PartitionProduceResponse unverifiable = produceOnceKnown(lead, txnId, p,
                            () -> batch(1L, (short) 0, 0, true, "no-coordinator"));
                    assertThat(Errors.forCode(unverifiable.errorCode())).isEqualTo(Errors.NOT_ENOUGH_REPLICAS);
                }
            }
            int coordinator = coordinatorOf(cluster, txnId);
            int partition = -1;
            for (int p = 0; p < PARTITIONS && partition < 0; p++) {
                if (ClusterFixtures.leaderOf(admin, TOPIC, p) != coordinator) {
                    partition = p;
                }
            }
            assertThat(partition).as("a partition led by a broker other than coordinator %d", coordinator)
                    .isNotNegative();
            int leader = ClusterFixtures.leaderOf(admin, TOPIC, partition);

            try (RawKafkaConnection coord = connect(cluster, coordinator);
                    RawKafkaConnection lead = connect(cluster, leader)) {
                InitProducerIdResponseData ids = initProducerId(coord, txnId);
                long pid = ids.producerId();
                short epoch = ids.producerEpoch();

                ProduceResponseData.PartitionProduceResponse refused = produce(lead, txnId, partition,
                        batch(pid, epoch, 0, true, "never-added"));
                assertThat(Errors.forCode(refused.errorCode())).isEqualTo(Errors.INVALID_TXN_STATE);

                // The coordinator's answer for the producer's epoch: an older one is fenced.
                ProduceResponseData.PartitionProduceResponse fenced = produce(lead, txnId, partition,
                        batch(pid, (short) (epoch - 1), 0, true, "stale-epoch"));
                assertThat(Errors.forCode(fenced.errorCode())).isEqualTo(Errors.INVALID_PRODUCER_EPOCH);

                ProduceResponseData.PartitionProduceResponse plain = produce(lead, null, partition,
                        batch(RecordBatch.NO_PRODUCER_ID, RecordBatch.NO_PRODUCER_EPOCH, RecordBatch.NO_SEQUENCE,
                                false, "plain"));
                assertThat(Errors.forCode(plain.errorCode())).isEqualTo(Errors.NONE);
                assertThat(plain.baseOffset()).as("nothing appended before the plain batch").isZero();
                assertThat(readCommitted(cluster.bootstrapServers(), partition, 1))
                        .as("read_committed is not held by a transaction the refused batch opened")
                        .containsExactly("plain");

                // Added by the coordinator: the first batch is verified remotely, the second by the open
                // transaction in the leader's log; the commit makes both visible.
                addPartition(coord, txnId, pid, epoch, partition);
                ProduceResponseData.PartitionProduceResponse first = produce(lead, txnId, partition,
                        batch(pid, epoch, 0, true, "t1"));
                assertThat(Errors.forCode(first.errorCode())).isEqualTo(Errors.NONE);
                ProduceResponseData.PartitionProduceResponse second = produce(lead, txnId, partition,
                        batch(pid, epoch, 1, true, "t2"));
                assertThat(Errors.forCode(second.errorCode())).isEqualTo(Errors.NONE);
                EndTxnResponseData ended = (EndTxnResponseData) coord.send(ApiKeys.END_TXN, (short) 3,
                        new EndTxnRequestData().setTransactionalId(txnId).setProducerId(pid)
                                .setProducerEpoch(epoch).setCommitted(true));
                assertThat(Errors.forCode(ended.errorCode())).isEqualTo(Errors.NONE);
                assertThat(readCommitted(cluster.bootstrapServers(), partition, 3))
                        .containsExactly("plain", "t1", "t2");
            }
        }
    }

    /**
     * The first produce to a leader: retried while that broker has not applied the topic's metadata yet (Admin saw
     * it on another broker), as a producer retries UNKNOWN_TOPIC_OR_PARTITION and NOT_LEADER_OR_FOLLOWER.
     */
    private static ProduceResponseData.PartitionProduceResponse produceOnceKnown(RawKafkaConnection lead,
            String txnId, int partition, Supplier<MemoryRecords> batch) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30); // liveness bound only
        while (true) {
            ProduceResponseData.PartitionProduceResponse r = produce(lead, txnId, partition, batch.get());
            Errors e = Errors.forCode(r.errorCode());
            if ((e != Errors.UNKNOWN_TOPIC_OR_PARTITION && e != Errors.NOT_LEADER_OR_FOLLOWER)
                    || System.nanoTime() > deadline) {
                return r;
            }
            Thread.sleep(100);
        }
    }

    private static RawKafkaConnection connect(SamsaCluster cluster, int nodeId) throws Exception {
        return new RawKafkaConnection("127.0.0.1", cluster.clientPort(nodeId), 30_000);
    }

    /** FindCoordinator (transaction), retried while {@code __transaction_state} is created and elected. */
    private static int coordinatorOf(SamsaCluster cluster, String txnId) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60); // liveness bound only
        try (RawKafkaConnection c = connect(cluster, cluster.brokerIds().get(0))) {
            while (true) {
                FindCoordinatorResponseData r = (FindCoordinatorResponseData) c.send(ApiKeys.FIND_COORDINATOR,
                        (short) 4, new FindCoordinatorRequestData().setKeyType((byte) 1)
                                .setCoordinatorKeys(List.of(txnId)));
                FindCoordinatorResponseData.Coordinator found = r.coordinators().get(0);
                if (found.errorCode() == Errors.NONE.code()) {
                    return found.nodeId();
                }
                assertThat(System.nanoTime()).as("no coordinator: %s", Errors.forCode(found.errorCode()))
                        .isLessThan(deadline);
                Thread.sleep(200);
            }
        }
    }

    /** InitProducerId at the coordinator, retried while it loads its partition. */
    private static InitProducerIdResponseData initProducerId(RawKafkaConnection coord, String txnId)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60); // liveness bound only
        while (true) {
            InitProducerIdResponseData r = (InitProducerIdResponseData) coord.send(ApiKeys.INIT_PRODUCER_ID,
                    (short) 4, new InitProducerIdRequestData().setTransactionalId(txnId)
                            .setTransactionTimeoutMs(60_000).setProducerId(-1).setProducerEpoch((short) -1));
            Errors e = Errors.forCode(r.errorCode());
            if (e == Errors.NONE) {
                assertThat(r.producerEpoch()).as("an epoch with an older one below it").isGreaterThanOrEqualTo((short) 0);
                if (r.producerEpoch() > 0) {
                    return r;
                }
                continue; // epoch 0: initialise again so that epoch - 1 is a real, fenced epoch
            }
            assertThat(e).isIn(Errors.COORDINATOR_LOAD_IN_PROGRESS, Errors.CONCURRENT_TRANSACTIONS,
                    Errors.COORDINATOR_NOT_AVAILABLE, Errors.NOT_COORDINATOR);
            assertThat(System.nanoTime()).as("InitProducerId kept failing: %s", e).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    private static void addPartition(RawKafkaConnection coord, String txnId, long pid, short epoch, int partition)
            throws Exception {
        AddPartitionsToTxnRequestData.AddPartitionsToTxnTopicCollection topics =
                new AddPartitionsToTxnRequestData.AddPartitionsToTxnTopicCollection();
        topics.add(new AddPartitionsToTxnRequestData.AddPartitionsToTxnTopic().setName(TOPIC)
                .setPartitions(List.of(partition)));
        AddPartitionsToTxnResponseData r = (AddPartitionsToTxnResponseData) coord.send(
                ApiKeys.ADD_PARTITIONS_TO_TXN, (short) 3, new AddPartitionsToTxnRequestData()
                        .setV3AndBelowTransactionalId(txnId).setV3AndBelowProducerId(pid)
                        .setV3AndBelowProducerEpoch(epoch).setV3AndBelowTopics(topics));
        short error = r.resultsByTopicV3AndBelow().find(TOPIC).resultsByPartition().find(partition)
                .partitionErrorCode();
        assertThat(Errors.forCode(error)).isEqualTo(Errors.NONE);
    }

    private static ProduceResponseData.PartitionProduceResponse produce(RawKafkaConnection c, String txnId,
                                                                        int partition, MemoryRecords records)
            throws Exception {
        ProduceRequestData request = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(10_000)
                .setTransactionalId(txnId);
        ProduceRequestData.TopicProduceData topic = new ProduceRequestData.TopicProduceData().setName(TOPIC);
        topic.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(partition)
                .setRecords(records));
        request.topicData().add(topic);
        ProduceResponseData response = (ProduceResponseData) c.send(ApiKeys.PRODUCE, PRODUCE_VERSION, request);
        return response.responses().iterator().next().partitionResponses().get(0);
    }

    private static MemoryRecords batch(long pid, short epoch, int sequence, boolean transactional, String value) {
        MemoryRecordsBuilder b = MemoryRecords.builder(ByteBuffer.allocate(256), RecordBatch.MAGIC_VALUE_V2,
                Compression.NONE, TimestampType.CREATE_TIME, 0L, RecordBatch.NO_TIMESTAMP, pid, epoch, sequence,
                transactional, RecordBatch.NO_PARTITION_LEADER_EPOCH);
        b.append(System.currentTimeMillis(), null, value.getBytes());
        return b.build();
    }

    /** The values read_committed sees on the partition from the start, once {@code count} arrived (or 60 s). */
    private static List<String> readCommitted(String bootstrap, int partition, int count) {
        List<String> got = new ArrayList<>();
        TopicPartition tp = new TopicPartition(TOPIC, partition);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
                "isolation.level", "read_committed"), new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(Set.of(tp));
            consumer.seekToBeginning(Set.of(tp));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60); // liveness bound only
            while (got.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> got.add(r.value()));
            }
        }
        return got;
    }
}
