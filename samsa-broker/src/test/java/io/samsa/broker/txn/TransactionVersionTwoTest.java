package io.samsa.broker.txn;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.FeatureMetadata;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import io.samsa.broker.SamsaBroker;
import io.samsa.broker.testing.Clients;

/**
 * Transaction version 2 (KIP-890 part 2) with a stock kafka-clients 4.x producer: the broker finalizes
 * {@code transaction.version} 2, so the producer sends no AddPartitionsToTxn or AddOffsetsToTxn (the partition's
 * leader and the group coordinator add them), and every commit or abort bumps its epoch — the markers carry the new
 * epoch, as the partition's producer state shows. Committed data and offsets are what read_committed and the group
 * see, aborted ones are not.
 */
class TransactionVersionTwoTest {
    private static final String TOPIC = "tv2";

    @Test
    void eachTransactionEndsWithAnEpochBumpAndOnlyCommittedDataCounts() throws Exception {
        try (SamsaBroker broker = SamsaBroker.startEmbedded();
             Admin admin = Clients.admin(broker.bootstrapServers())) {
            String bs = broker.bootstrapServers();
            broker.topics().create(TOPIC, 2, Map.of());
            FeatureMetadata features = admin.describeFeatures().featureMetadata().get(30, TimeUnit.SECONDS);
            assertThat(features.finalizedFeatures().get("transaction.version").maxVersionLevel())
                    .isEqualTo((short) 2);

            TopicPartition input = new TopicPartition(TOPIC, 0);
            List<String> committed = new ArrayList<>();
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bs,
                    "transactional.id", "tv2-app"), new StringSerializer(), new StringSerializer())) {
                producer.initTransactions();
                short initial = epoch(admin);
                for (int txn = 0; txn < 4; txn++) {
                    producer.beginTransaction();
                    for (int i = 0; i < 10; i++) {
                        String v = "t" + txn + "-" + i;
                        producer.send(new ProducerRecord<>(TOPIC, i % 2, null, v));
                        if (txn % 2 == 0) {
                            committed.add(v);
                        }
                    }
                    producer.flush(); // every transaction reaches both partitions, aborted ones too
                    producer.sendOffsetsToTransaction(Map.of(input, new OffsetAndMetadata(100 + txn)),
                            new ConsumerGroupMetadata("tv2-group"));
                    if (txn % 2 == 0) {
                        producer.commitTransaction();
                    } else {
                        producer.abortTransaction();
                    }
                    assertThat(epoch(admin)).as("the epoch after transaction %d", txn)
                            .isEqualTo((short) (initial + txn + 1));
                }
                // The markers carried the bumped epochs: the partition knows the producer at its latest one once
                // the last marker (written after EndTxn answered) is there.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30); // liveness bound only
                List<ProducerState> producers;
                do {
                    producers = admin.describeProducers(List.of(input)).partitionResult(input)
                            .get(10, TimeUnit.SECONDS).activeProducers();
                    assertThat(producers).hasSize(1);
                } while (producers.get(0).producerEpoch() < initial + 4 && System.nanoTime() < deadline);
                assertThat(producers.get(0).producerEpoch()).isEqualTo(initial + 4);
            }
            assertThat(readCommitted(bs, committed.size())).containsExactlyInAnyOrderElementsOf(committed);
            OffsetAndMetadata offset = admin.listConsumerGroupOffsets("tv2-group").partitionsToOffsetAndMetadata()
                    .get(10, TimeUnit.SECONDS).get(input);
            assertThat(offset.offset()).as("the last committed transaction's offset").isEqualTo(102);
        }
    }

    private static short epoch(Admin admin) throws Exception {
        TransactionDescription d = admin.describeTransactions(List.of("tv2-app")).all().get(10, TimeUnit.SECONDS)
                .get("tv2-app");
        return (short) d.producerEpoch();
    }

    private static List<String> readCommitted(String bootstrap, int count) {
        List<String> got = new ArrayList<>();
        List<TopicPartition> tps = List.of(new TopicPartition(TOPIC, 0), new TopicPartition(TOPIC, 1));
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
                "isolation.level", "read_committed"), new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30); // liveness bound only
            while (got.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> got.add(r.value()));
            }
            consumer.poll(Duration.ofMillis(300)).forEach(r -> got.add(r.value()));
        }
        return got;
    }
}
