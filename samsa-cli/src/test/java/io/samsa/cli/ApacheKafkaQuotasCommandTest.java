package io.samsa.cli;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import io.samsa.testkit.ApacheKafkaBroker;

/** {@code samsa quotas} against a real Apache Kafka broker: the reference behaviour. */
class ApacheKafkaQuotasCommandTest extends QuotasCommandContract {
    private static ApacheKafkaBroker broker;

    @BeforeAll
    static void start() {
        broker = ApacheKafkaBroker.start();
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Override
    String bootstrap() {
        return broker.bootstrapServers();
    }
}
