package io.samsa.broker.protocol;

import static io.samsa.testkit.CraftedBatch.concat;
import static io.samsa.testkit.CraftedBatch.record;
import static io.samsa.testkit.CraftedBatch.varint;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.broker.testing.BrokerHealth;
import io.samsa.broker.testing.BrokerProcess;
import io.samsa.broker.testing.Clients;
import io.samsa.testkit.CraftedBatch;
import io.samsa.testkit.ZstdFrame;

/**
 * The crafted batches of issue 9, each sent as a raw Produce (CRC-32C correct) to a broker in a child JVM: every
 * one is answered with Kafka's error code and leaves the log end offset where it was; timestamp lookups
 * (listOffsets(maxTimestamp), offsetsForTimes) still answer, the broker passes the health check, and a
 * KafkaConsumer reads the partition from the beginning.
 *
 * <p>Before records were validated, the first case was accepted and the timestamp lookups after it spun a network
 * thread forever.
 */
class CraftedBatchTest {
    static final String TOPIC = "crafted";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    private static final int NETWORK_THREADS = 2;
    private static final short PRODUCE_VERSION = 9;
    /** A liveness bound for one lookup: a spinning thread never answers. */
    private static final long ANSWER_SECONDS = 30;
    private static final byte[] V = "v".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    /**
     * One crafted Produce: what Samsa answers, and what Apache Kafka 4.4 answers
     * ({@link CraftedBatchKafkaReferenceTest}; null = not sent to Kafka, which would walk all 10 GiB).
     */
    record Case(String name, ByteBuffer records, Errors expected, Errors kafka) {
        Case(String name, ByteBuffer records, Errors expected) {
            this(name, records, expected, expected);
        }
    }

    @Test
    void craftedBatchesAreRejectedAndTheBrokerKeepsServing() throws Exception {
        int metricsPort = BrokerProcess.freePort();
        try (BrokerProcess broker = BrokerProcess.start(Files.createDirectories(dir.resolve("data")),
                BrokerProcess.freePort(), Map.of("num.network.threads", Integer.toString(NETWORK_THREADS),
                        "metrics.port", Integer.toString(metricsPort)))) {
            String bootstrap = broker.bootstrapServers();
            BrokerHealth health = broker.health(NETWORK_THREADS, metricsPort);
            try (Admin admin = Clients.admin(bootstrap)) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }
            long now = System.currentTimeMillis();
            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, Map.of())) {
                for (int i = 0; i < 10; i++) {
                    producer.send(new ProducerRecord<>(TOPIC, 0, now - 1000 + i, null, ("good-" + i).getBytes()));
                }
                producer.flush();
            }
            long end = endOffset(bootstrap);
            assertThat(end).isEqualTo(10);

            try (RawKafkaConnection raw = new RawKafkaConnection("127.0.0.1", broker.port())) {
                for (Case c : cases(now)) {
                    long start = System.nanoTime();
                    short code = produce(raw, c.records());
                    System.out.printf("%-45s %6d bytes -> %s in %d ms%n", c.name(), c.records().remaining(),
                            Errors.forCode(code), (System.nanoTime() - start) / 1_000_000);
                    assertThat(Errors.forCode(code)).as(c.name()).isEqualTo(c.expected());
                    assertThat(endOffset(bootstrap)).as("log end offset after " + c.name()).isEqualTo(end);
                }
            }

            try (Admin admin = Clients.admin(bootstrap)) {
                var max = admin.listOffsets(Map.of(TP, OffsetSpec.maxTimestamp())).partitionResult(TP)
                        .get(ANSWER_SECONDS, TimeUnit.SECONDS);
                assertThat(max.offset()).isEqualTo(9);
                assertThat(max.timestamp()).isEqualTo(now - 1000 + 9);
            }
            try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(bootstrap)) {
                Map<TopicPartition, OffsetAndTimestamp> byTime = consumer.offsetsForTimes(Map.of(TP, now - 995),
                        java.time.Duration.ofSeconds(ANSWER_SECONDS));
                assertThat(byTime.get(TP).offset()).isEqualTo(5);
            }
            List<ConsumerRecord<byte[], byte[]>> all = Clients.read(bootstrap, TP, 0, end);
            assertThat(all).hasSize(10);
            assertThat(new String(all.get(9).value(), StandardCharsets.UTF_8)).isEqualTo("good-9");
            health.assertHealthy("crafted batches", 0);
        }
    }

    static List<Case> cases(long now) {
        Random random = new Random(42);
        byte[] garbage = new byte[4096];
        random.nextBytes(garbage);
        // 5 well-formed records of ~2 GiB zero bytes each: 10 GiB from ~330 KiB of zstd run-length blocks.
        int valueBytes = Integer.MAX_VALUE - 64;
        ZstdFrame wellFormedBomb = new ZstdFrame();
        for (int i = 0; i < 5; i++) {
            byte[] head = concat(new byte[] {0}, varint(0), varint(i), varint(-1), varint(valueBytes));
            wellFormedBomb.raw(concat(varint(head.length + valueBytes + 1), head)).repeat((byte) 0, valueBytes)
                    .raw(varint(0));
        }
        ByteBuffer one = CraftedBatch.of(record(0, 0, null, V)).baseTimestamp(now).build();
        return List.of(
                new Case("record length -1, maxTimestamp now+59min",
                        CraftedBatch.of(new byte[] {0x01, 0, 0, 0}).baseTimestamp(now)
                                .maxTimestamp(now + 59 * 60_000).build(), Errors.INVALID_RECORD),
                new Case("record count 2^31-1 with no records",
                        CraftedBatch.of(new byte[0]).count(Integer.MAX_VALUE).baseTimestamp(now).build(),
                        Errors.INVALID_RECORD),
                new Case("record count 3 with 1 record",
                        CraftedBatch.of(record(0, 0, null, V)).count(3).baseTimestamp(now).build(),
                        Errors.INVALID_RECORD),
                new Case("random bytes under zstd",
                        CraftedBatch.of(garbage).codec(4).count(10).baseTimestamp(now).build(),
                        Errors.INVALID_RECORD, Errors.UNKNOWN_SERVER_ERROR),
                new Case("random bytes under gzip",
                        CraftedBatch.of(garbage).codec(1).count(10).baseTimestamp(now).build(),
                        Errors.INVALID_RECORD, Errors.UNKNOWN_SERVER_ERROR),
                new Case("random bytes under lz4",
                        CraftedBatch.of(garbage).codec(3).count(10).baseTimestamp(now).build(),
                        Errors.INVALID_RECORD, Errors.UNKNOWN_SERVER_ERROR),
                new Case("10 GiB of zeros under zstd",
                        CraftedBatch.of(new ZstdFrame().repeat((byte) 0, 10L << 30).finish()).codec(4).count(1000)
                                .baseTimestamp(now).build(), Errors.INVALID_RECORD),
                new Case("10 GiB of well-formed records under zstd",
                        CraftedBatch.of(wellFormedBomb.finish()).codec(4).count(5).baseTimestamp(now).build(),
                        Errors.MESSAGE_TOO_LARGE, null),
                new Case("producer id 7 with base sequence -1",
                        CraftedBatch.of(record(0, 0, null, V)).baseTimestamp(now).producer(7, (short) 0, -1).build(),
                        Errors.INVALID_RECORD),
                new Case("two batches for one partition", CraftedBatch.concat(one, one.duplicate()),
                        Errors.INVALID_RECORD));
    }

    static short produce(RawKafkaConnection raw, ByteBuffer records) throws Exception {
        ProduceRequestData request = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(30_000);
        ProduceRequestData.TopicProduceData topic = new ProduceRequestData.TopicProduceData().setName(TOPIC);
        topic.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0)
                .setRecords(MemoryRecords.readableRecords(records.duplicate())));
        request.topicData().add(topic);
        ProduceResponseData response = (ProduceResponseData) raw.send(ApiKeys.PRODUCE, PRODUCE_VERSION, request);
        return response.responses().iterator().next().partitionResponses().get(0).errorCode();
    }

    private static long endOffset(String bootstrap) throws Exception {
        return Clients.endOffsets(bootstrap, Set.of(TP)).get(TP);
    }
}
