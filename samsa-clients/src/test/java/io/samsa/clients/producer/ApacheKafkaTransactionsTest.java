package io.samsa.clients.producer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import io.samsa.testkit.ApacheKafkaBroker;

/**
 * SamsaProducer's transactions against a real Apache Kafka broker (Samsa's broker joins once it has a
 * transaction coordinator, issue 12).
 */
class ApacheKafkaTransactionsTest extends TransactionsContract {
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
