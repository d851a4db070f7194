package io.samsa.clients.consumer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import io.samsa.testkit.ApacheKafkaBroker;

/** The group contract against a real Apache Kafka broker. */
class ApacheKafkaGroupTest extends GroupContract {
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
