package io.samsa.broker.cluster;

import static io.samsa.broker.cluster.ClusterFixtures.awaitCondition;
import static io.samsa.broker.cluster.ClusterFixtures.awaitIsr;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.samsa.testkit.SamsaCluster;

/**
 * Transactions on a three-node cluster, with stock kafka-clients: the transaction coordinator (the leader of the
 * id's {@code __transaction_state} partition) writes its markers to partitions every broker leads — its own
 * directly, the others' with WriteTxnMarkers — and to the group's {@code __consumer_offsets} partition wherever it
 * is. When the coordinator is SIGKILLed in the middle of a transaction, the new leader of its partition loads the
 * transaction and the producer's commit completes there: read_committed sees each record exactly once.
 */
@Timeout(240)
class ClusterTransactionsTest {
    private static final String TOPIC = "payments";
    private static final int PARTITIONS = 3;
    private static final Map<String, String> CONFIG = Map.of("transaction.state.log.num.partitions", "3",
            "offsets.topic.num.partitions", "3", "group.initial.rebalance.delay.ms", "0");

    @Test
    void markersReachPartitionsAndOffsetsOnEveryBroker() throws Exception {
        try (SamsaCluster cluster = SamsaCluster.start(3, CONFIG);
                Admin admin = ClusterFixtures.admin(cluster.bootstrapServers())) {
            String bootstrap = cluster.bootstrapServers();
            admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 3))).all().get();
            awaitIsr(admin, TOPIC, 3);
            Set<Integer> leaders = new HashSet<>();
            for (int p = 0; p < PARTITIONS; p++) {
                leaders.add(ClusterFixtures.leaderOf(admin, TOPIC, p));
            }
            assertThat(leaders).as("the partitions' leaders").hasSize(3);

            List<String> committed = new ArrayList<>();
            TopicPartition input = new TopicPartition(TOPIC, 0);
            try (KafkaProducer<String, String> producer = producer(bootstrap, "cluster-txn")) {
                producer.initTransactions();
                producer.beginTransaction();
                send(producer, "c1-", committed);
                producer.sendOffsetsToTransaction(Map.of(input, new OffsetAndMetadata(17)),
                        new ConsumerGroupMetadata("txn-group"));
                producer.commitTransaction();

                producer.beginTransaction();
                send(producer, "a-", null);
                producer.sendOffsetsToTransaction(Map.of(input, new OffsetAndMetadata(99)),
                        new ConsumerGroupMetadata("txn-group"));
                producer.flush();
                producer.abortTransaction();

                producer.beginTransaction();
                send(producer, "c2-", committed);
                producer.commitTransaction();
            }
            assertThat(readCommitted(bootstrap, committed.size())).containsExactlyInAnyOrderElementsOf(committed);
            awaitCondition("the committed transaction's offset, and not the aborted one's", () -> {
                try {
                    OffsetAndMetadata o = admin.listConsumerGroupOffsets("txn-group").partitionsToOffsetAndMetadata()
                            .get(10, TimeUnit.SECONDS).get(input);
                    return o != null && o.offset() == 17;
                } catch (Exception e) {
                    return false;
                }
            });
        }
    }

    @Test
    void aTransactionOutlivesItsCoordinatorsDeath() throws Exception {
        try (SamsaCluster cluster = SamsaCluster.start(3, CONFIG);
                Admin admin = ClusterFixtures.admin(cluster.bootstrapServers())) {
            String bootstrap = cluster.bootstrapServers();
            admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 3))).all().get();
            awaitIsr(admin, TOPIC, 3);
            List<String> committed = new ArrayList<>();
            try (KafkaProducer<String, String> producer = producer(bootstrap, "failover-txn")) {
                producer.initTransactions();
                awaitIsr(admin, "__transaction_state", 3);
                producer.beginTransaction();
                send(producer, "before-", committed);
                producer.flush();
                int coordinator = admin.describeTransactions(List.of("failover-txn")).all()
                        .get(10, TimeUnit.SECONDS).get("failover-txn").coordinatorId();
                cluster.kill(coordinator);
                // The producer finds the new coordinator, which loaded the open transaction, and commits there.
                send(producer, "after-", committed);
                producer.commitTransaction();
                assertThat(readCommitted(bootstrap, committed.size()))
                        .containsExactlyInAnyOrderElementsOf(committed);
                cluster.restart(coordinator);
            }
        }
    }

    private static KafkaProducer<String, String> producer(String bootstrap, String transactionalId) {
        return new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap, "transactional.id", transactionalId,
                "request.timeout.ms", "5000", "delivery.timeout.ms", "60000", "max.block.ms", "60000"),
                new StringSerializer(), new StringSerializer());
    }

    /** Ten records on every partition. */
    private static void send(KafkaProducer<String, String> producer, String prefix, List<String> sent) {
        for (int i = 0; i < 10 * PARTITIONS; i++) {
            String v = prefix + i;
            producer.send(new ProducerRecord<>(TOPIC, i % PARTITIONS, null, v));
            if (sent != null) {
                sent.add(v);
            }
        }
    }

    /** Every record read_committed sees, from the start, once at least {@code count} arrived (or 60 s). */
    private static List<String> readCommitted(String bootstrap, int count) {
        List<String> got = new ArrayList<>();
        List<TopicPartition> tps = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            tps.add(new TopicPartition(TOPIC, p));
        }
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
                "isolation.level", "read_committed"), new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60); // liveness bound only
            while (got.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> got.add(r.value()));
            }
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                got.add(r.value()); // a duplicate after the last expected record shows too
            }
        }
        return got;
    }
}
