package io.samsa.clients.producer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import io.samsa.testkit.ApacheKafkaBroker;
import io.samsa.testkit.FaultyProxy;

/** The producer contract against a real Apache Kafka broker. */
class ApacheKafkaProducerTest extends ProducerContract {
    private static FaultyProxy proxy;
    private static ApacheKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        proxy = FaultyProxy.start();
        broker = ApacheKafkaBroker.start(proxy.port());
        proxy.target(broker.proxiedListenerPort());
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    @Override
    String bootstrap() {
        return broker.bootstrapServers();
    }

    @Override
    FaultyProxy proxy() {
        return proxy;
    }

    @Override
    void createTopic(String name, int partitions) {
        broker.createTopic(name, partitions);
    }
}
