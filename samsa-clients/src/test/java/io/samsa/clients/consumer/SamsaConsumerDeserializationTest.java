package io.samsa.clients.consumer;

import static io.samsa.clients.consumer.ConsumerTestSupport.newTopic;
import static io.samsa.clients.consumer.ConsumerTestSupport.produce;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.samsa.broker.SamsaBroker;

/**
 * A record that cannot be deserialized: the records the same poll had already collected from other partitions
 * (their positions moved past them) are returned, and the bad record fails the next poll until the application
 * seeks past it. Against an embedded Samsa broker.
 */
@Timeout(120)
class SamsaConsumerDeserializationTest {
    private static SamsaBroker broker;

    /** Fails on the value "v1", the first record of partition 1. */
    public static final class FailsOnV1 implements Deserializer<String> {
        private final StringDeserializer strings = new StringDeserializer();

        @Override
        public String deserialize(String topic, byte[] data) {
            String s = strings.deserialize(topic, data);
            if ("v1".equals(s)) {
                throw new SerializationException("v1 is not welcome");
            }
            return s;
        }
    }

    @BeforeAll
    static void startBroker() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        broker = SamsaBroker.startEmbedded(Map.of("listeners", "PLAINTEXT://127.0.0.1:" + port));
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void recordsCollectedBeforeABadRecordOfAnotherPartitionAreNotLost() throws Exception {
        String topic = newTopic("bad");
        broker.topics().create(topic, 2, Map.of());
        String bootstrap = "127.0.0.1:" + broker.port();
        produce(bootstrap, topic, 2, 0, 10); // p0: v0 v2 .. v8, p1: v1 v3 .. v9
        TopicPartition p0 = new TopicPartition(topic, 0);
        TopicPartition p1 = new TopicPartition(topic, 1);
        Properties p = ConsumerTestSupport.props(bootstrap);
        p.setProperty("auto.offset.reset", "earliest");
        List<String> got = new ArrayList<>();
        List<Long> failedAt = new ArrayList<>();
        try (SamsaConsumer<String, String> c = new SamsaConsumer<>(p, new StringDeserializer(), new FailsOnV1())) {
            c.assign(List.of(p0, p1)); // fetched together, p0 first: p0's records are collected before v1 fails
            long deadline = System.currentTimeMillis() + 30_000;
            while (got.size() < 9 && System.currentTimeMillis() < deadline) {
                try {
                    c.poll(Duration.ofMillis(100)).forEach(r -> got.add(r.value()));
                } catch (RecordDeserializationException e) {
                    assertThat(e.topicPartition()).isEqualTo(p1);
                    failedAt.add(e.offset());
                    c.seek(p1, e.offset() + 1);
                }
            }
        }
        assertThat(failedAt).containsExactly(0L);
        assertThat(got).containsExactlyInAnyOrder("v0", "v2", "v4", "v6", "v8", "v3", "v5", "v7", "v9");
    }
}
