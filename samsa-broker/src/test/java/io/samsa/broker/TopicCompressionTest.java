package io.samsa.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.samsa.broker.testing.Clients;
import io.samsa.log.ReadResult;
import io.samsa.protocol.records.RecordBatchHeader;

/**
 * A topic's compression.type other than producer: the leader stores every produced batch in the topic's codec,
 * whatever the producer used, and consumers read the same records; producer keeps the producer's codec.
 */
class TopicCompressionTest {
    private static SamsaBroker broker;
    private static Admin admin;

    @BeforeAll
    static void start() throws Exception {
        broker = SamsaBroker.startEmbedded(Map.of("auto.create.topics.enable", "false"));
        admin = Clients.admin(broker.bootstrapServers());
    }

    @AfterAll
    static void stop() throws Exception {
        admin.close();
        broker.close();
    }

    /** The codec of every batch stored in partition 0 (0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd). */
    private static List<Integer> storedCodecs(String topic) throws Exception {
        ReadResult read = broker.topics().log(topic, 0).read(0, Integer.MAX_VALUE, true);
        ByteBuffer bytes = ByteBuffer.allocate(read.sizeInBytes());
        read.channel().read(bytes, read.position());
        bytes.flip();
        List<Integer> codecs = new ArrayList<>();
        for (int p = 0; p < bytes.limit(); p += RecordBatchHeader.sizeInBytes(bytes, p)) {
            assertThat(RecordBatchHeader.isCrcValid(bytes, p)).isTrue();
            codecs.add(RecordBatchHeader.compressionCodec(bytes, p));
        }
        return codecs;
    }

    private static void produce(String topic, String codec, String... values) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrapServers(),
                Map.of("compression.type", codec, "linger.ms", 50))) {
            List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
            for (String v : values) {
                sent.add(producer.send(new ProducerRecord<>(topic, v.getBytes(StandardCharsets.UTF_8))));
            }
            for (java.util.concurrent.Future<?> f : sent) {
                f.get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static List<String> consumeAll(String topic, int count) {
        List<String> values = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : Clients.read(broker.bootstrapServers(),
                new TopicPartition(topic, 0), 0, count)) {
            values.add(new String(r.value(), StandardCharsets.UTF_8));
        }
        return values;
    }

    @Test
    void theTopicsCodecWinsOverTheProducersAndConsumersReadTheSameRecords() throws Exception {
        admin.createTopics(List.of(new NewTopic("lz4-topic", 1, (short) 1)
                .configs(Map.of("compression.type", "lz4")))).all().get(30, TimeUnit.SECONDS);
        produce("lz4-topic", "none", "a", "b", "c");
        produce("lz4-topic", "gzip", "d", "e");
        assertThat(storedCodecs("lz4-topic")).containsOnly(3);

        ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, "lz4-topic");
        Map<ConfigResource, Collection<AlterConfigOp>> toUncompressed = Map.of(r, List.of(new AlterConfigOp(
                new ConfigEntry("compression.type", "uncompressed"), AlterConfigOp.OpType.SET)));
        admin.incrementalAlterConfigs(toUncompressed).all().get(30, TimeUnit.SECONDS);
        produce("lz4-topic", "zstd", "f", "g");
        List<Integer> codecs = storedCodecs("lz4-topic");
        assertThat(codecs.get(codecs.size() - 1)).isZero();

        assertThat(consumeAll("lz4-topic", 7)).containsExactly("a", "b", "c", "d", "e", "f", "g");
    }

    @Test
    void producerKeepsTheProducersCodec() throws Exception {
        admin.createTopics(List.of(new NewTopic("producer-codec", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        produce("producer-codec", "gzip", "x", "y");
        assertThat(storedCodecs("producer-codec")).containsOnly(1);
        assertThat(consumeAll("producer-codec", 2)).containsExactly("x", "y");
    }
}
