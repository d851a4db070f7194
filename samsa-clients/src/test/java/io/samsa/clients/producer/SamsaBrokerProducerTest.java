package io.samsa.clients.producer;

import java.net.ServerSocket;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import io.samsa.broker.SamsaBroker;
import io.samsa.testkit.FaultyProxy;

/**
 * The producer contract against Samsa's own broker. Samsa serves one listener, so the broker advertises
 * the proxy's address and every client, the verifying consumer included, goes through the proxy, which
 * passes traffic unharmed except while a test injects a fault.
 */
class SamsaBrokerProducerTest extends ProducerContract {
    private static FaultyProxy proxy;
    private static SamsaBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        proxy = FaultyProxy.start();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        broker = SamsaBroker.startEmbedded(Map.of(
                "listeners", "PLAINTEXT://127.0.0.1:" + port,
                "advertised.listeners", "PLAINTEXT://127.0.0.1:" + proxy.port()));
        proxy.target(broker.port());
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (broker != null) {
            broker.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    @Override
    String bootstrap() {
        return "127.0.0.1:" + proxy.port();
    }

    @Override
    FaultyProxy proxy() {
        return proxy;
    }

    @Override
    void createTopic(String name, int partitions) {
        createTopic(name, partitions, Map.of());
    }

    @Override
    void createTopic(String name, int partitions, Map<String, String> configs) {
        try {
            broker.topics().create(name, partitions, configs);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    int proxyTargetPort() {
        return broker.port();
    }
}
