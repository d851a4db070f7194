package io.samsa.broker.group;

import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.samsa.broker.SamsaBroker;
import io.samsa.broker.testing.Kafkajs;

/**
 * kafkajs (Node.js) against Samsa: its admin creates a topic, its idempotent producer sends keyed messages,
 * and a kafkajs consumer group reads every one exactly once and commits ({@link Kafkajs}).
 */
class KafkajsGroupTest {
    static final int COUNT = 600;

    @BeforeAll
    static void requireKafkajs() {
        Kafkajs.require();
    }

    @Test
    void kafkajsProducesAndAConsumerGroupReadsEverythingOnceAndCommits() throws Exception {
        try (SamsaBroker broker = SamsaBroker.startEmbedded(Map.of("group.initial.rebalance.delay.ms", "0"))) {
            Kafkajs.assertGroupRoundTrip(broker.bootstrapServers(), "js-events", "js-group", COUNT);
        }
    }
}
