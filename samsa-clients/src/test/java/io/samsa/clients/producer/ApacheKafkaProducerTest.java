package io.samsa.clients.producer;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
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

    @Override
    void createTopic(String name, int partitions, Map<String, String> configs) {
        Properties p = new Properties();
        p.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        try (Admin admin = Admin.create(p)) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs))).all()
                    .get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Could not create topic " + name + ": " + e, e);
        }
    }

    @Override
    int proxyTargetPort() {
        return broker.proxiedListenerPort();
    }
}
