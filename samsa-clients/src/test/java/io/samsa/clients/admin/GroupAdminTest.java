package io.samsa.clients.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.samsa.broker.SamsaBroker;
import io.samsa.clients.consumer.SamsaConsumer;
import io.samsa.clients.producer.SamsaProducer;

/** The group calls of {@link SamsaAdmin} against an embedded broker. */
class GroupAdminTest {
    private static final TopicPartition P0 = new TopicPartition("ticks", 0);
    private static final TopicPartition P1 = new TopicPartition("ticks", 1);

    private static SamsaBroker broker;
    private static SamsaAdmin admin;

    @BeforeAll
    static void start() throws Exception {
        broker = SamsaBroker.startEmbedded(Map.of("group.initial.rebalance.delay.ms", "0"));
        admin = new SamsaAdmin(broker.bootstrapServers(), Duration.ofSeconds(10));
        admin.createTopic(new TopicSpec("ticks", 2, (short) 1, Map.of()));
        Properties props = new Properties();
        props.put("bootstrap.servers", broker.bootstrapServers());
        try (SamsaProducer<String, String> producer =
                     new SamsaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 4; i++) { // partition 0 at timestamps 1000, 2000, 3000, 4000
                producer.send(new ProducerRecord<>("ticks", 0, 1000L * (i + 1), null, "t" + i)).get();
            }
            producer.send(new ProducerRecord<>("ticks", 1, 1000L, null, "u")).get();
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (admin != null) {
            admin.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void describesMembersOffsetsAndLagAndResetsByTimestamp() {
        try (SamsaConsumer<String, String> consumer = consumer("ticker")) {
            consumer.subscribe(List.of("ticks"));
            long deadline = System.currentTimeMillis() + 10_000;
            while (consumer.assignment().size() < 2 && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(100));
            }
            consumer.commitSync(Map.of(P0, new OffsetAndMetadata(1)));

            assertThat(admin.listGroups()).contains(new GroupListing("ticker", "Stable", "consumer"));
            GroupDescription d = admin.describeGroup("ticker");
            assertThat(d.state()).isEqualTo("Stable");
            assertThat(d.protocolType()).isEqualTo("consumer");
            assertThat(d.protocol()).isNotEmpty();
            assertThat(d.members()).singleElement().satisfies(m -> {
                assertThat(m.clientId()).isEqualTo("ticker-client");
                assertThat(m.host()).isEqualTo("/127.0.0.1");
                assertThat(m.assignment()).containsExactly(P0, P1);
            });
            assertThat(admin.listGroupOffsets("ticker")).containsExactly(
                    new GroupOffset(P0, 1, 4), new GroupOffset(P1, -1, 1));
            assertThat(admin.listGroupOffsets("ticker").get(0).lag()).isEqualTo(3);
            assertThatThrownBy(() -> admin.resetGroupOffsets("ticker", List.of(P0), OffsetReset.toEarliest(), false))
                    .isInstanceOf(GroupNotEmptyException.class).hasMessageContaining("current state is Stable");
        }

        assertThat(admin.resetGroupOffsets("ticker", List.of(P0), OffsetReset.toTimestamp(2500), true))
                .containsExactly(new OffsetChange(P0, 1, 2));
        assertThat(admin.resetGroupOffsets("ticker", List.of(P0), OffsetReset.toTimestamp(2000), false))
                .containsExactly(new OffsetChange(P0, 2, 1));
        assertThat(admin.resetGroupOffsets("ticker", List.of(P0), OffsetReset.shiftBy(-10), false))
                .containsExactly(new OffsetChange(P0, 2, 0));
        assertThat(admin.listGroupOffsets("ticker")).contains(new GroupOffset(P0, 2, 4));
        assertThatThrownBy(() -> admin.resetGroupOffsets("ticker", List.of(new TopicPartition("ticks", 7)),
                OffsetReset.toLatest(), false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Topic 'ticks' has no partition 7");

        admin.deleteGroup("ticker");
        assertThatThrownBy(() -> admin.describeGroup("ticker")).isInstanceOf(UnknownGroupException.class)
                .hasMessage("Group 'ticker' does not exist");
        assertThatThrownBy(() -> admin.listGroupOffsets("ticker")).isInstanceOf(UnknownGroupException.class);
        assertThatThrownBy(() -> admin.deleteGroup("ticker")).isInstanceOf(UnknownGroupException.class);
    }

    private static SamsaConsumer<String, String> consumer(String group) {
        Properties props = new Properties();
        props.put("bootstrap.servers", broker.bootstrapServers());
        props.put("group.id", group);
        props.put("client.id", group + "-client");
        props.put("enable.auto.commit", "false");
        return new SamsaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
    }
}
