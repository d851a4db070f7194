package io.samsa.clients.consumer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import io.samsa.testkit.ApacheKafkaBroker;

/**
 * The read_committed contract against a real Apache Kafka broker (Samsa's broker joins once it has transactions,
 * issue 12).
 */
class ApacheKafkaReadCommittedTest extends ReadCommittedContract {
    private static ApacheKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = ApacheKafkaBroker.start();
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Override
    String bootstrap() {
        return broker.bootstrapServers();
    }

    @Override
    void createTopic(String name, int partitions) {
        broker.createTopic(name, partitions);
    }
}
