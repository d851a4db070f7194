package io.samsa.broker.network;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Node;
import org.junit.jupiter.api.Test;

import io.samsa.broker.SamsaBroker;

/**
 * A broker with two named plaintext listeners serves Kafka clients on both, each on its own ephemeral port; the
 * first listener stays the one {@code port()} and {@code bootstrapServers()} report, as with a single listener.
 */
class NamedListenersTest {

    @Test
    void bothListenersServeClients() throws Exception {
        try (SamsaBroker broker = SamsaBroker.startEmbedded(Map.of(
                "listeners", "PLAINTEXT://127.0.0.1:0,INTERNAL://127.0.0.1:0",
                "listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,INTERNAL:PLAINTEXT"))) {
            int plaintext = broker.port("PLAINTEXT");
            int internal = broker.port("INTERNAL");
            assertThat(broker.port()).isEqualTo(plaintext);
            assertThat(internal).isNotEqualTo(plaintext);
            assertThat(broker.bootstrapServers()).isEqualTo("127.0.0.1:" + plaintext);
            for (int port : new int[] {plaintext, internal}) {
                Properties p = new Properties();
                p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port);
                try (Admin admin = Admin.create(p)) {
                    assertThat(admin.describeCluster().nodes().get()).extracting(Node::id)
                            .containsExactly(broker.config().nodeId());
                }
            }
        }
    }
}
