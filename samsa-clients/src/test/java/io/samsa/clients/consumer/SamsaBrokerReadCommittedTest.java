package io.samsa.clients.consumer;

import java.net.ServerSocket;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import io.samsa.broker.SamsaBroker;

/** The read_committed contract against Samsa's own broker (a single node, whose transaction coordinator writes the markers). */
class SamsaBrokerReadCommittedTest extends ReadCommittedContract {
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
