package io.samsa.clients.producer;

import java.net.ServerSocket;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import io.samsa.broker.SamsaBroker;

/** SamsaProducer's transactions against Samsa's own broker (a single node, with its transaction coordinator). */
class SamsaBrokerTransactionsTest extends TransactionsContract {
    private static SamsaBroker broker;

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

    @Override
    String bootstrap() {
        return "127.0.0.1:" + broker.port();
    }

    @Override
    void createTopic(String name, int partitions) {
        try {
            broker.topics().create(name, partitions, Map.of());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
