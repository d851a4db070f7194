package io.samsa.clients.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;

import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** The one bootstrap.servers parser: Kafka's accepted forms and Kafka's messages for the rest. */
class BootstrapServersTest {

    @Test
    void hostsIpv4AndBracketedIpv6WithPortsAreAcceptedInOrderAndEmptyEntriesSkipped() {
        List<BootstrapServers.Address> a = BootstrapServers.parse(" broker-1.example:9092 ,,127.0.0.1:19092,[::1]:9093");
        assertThat(a).containsExactly(
                new BootstrapServers.Address("broker-1.example:9092", "broker-1.example", 9092),
                new BootstrapServers.Address("127.0.0.1:19092", "127.0.0.1", 19092),
                new BootstrapServers.Address("[::1]:9093", "::1", 9093));
    }

    @Test
    void aListenerPrefixIsIgnoredAsKafkaDoes() {
        assertThat(BootstrapServers.parse(List.of("PLAINTEXT://localhost:9092")))
                .containsExactly(new BootstrapServers.Address("PLAINTEXT://localhost:9092", "localhost", 9092));
    }

    @Test
    void anEntryWithoutAPortIsAnInvalidUrl() {
        assertThatThrownBy(() -> BootstrapServers.parse(List.of("localhost")))
                .isInstanceOf(ConfigException.class).hasMessage("Invalid url in bootstrap.servers: localhost");
        assertThatThrownBy(() -> BootstrapServers.parse(List.of("localhost:")))
                .isInstanceOf(ConfigException.class).hasMessage("Invalid url in bootstrap.servers: localhost:");
        assertThatThrownBy(() -> BootstrapServers.parse(List.of(":9092")))
                .isInstanceOf(ConfigException.class).hasMessage("Invalid url in bootstrap.servers: :9092");
    }

    @Test
    void aPortOutOfRangeIsAnInvalidPort() {
        assertThatThrownBy(() -> BootstrapServers.parse(List.of("localhost:65536")))
                .isInstanceOf(ConfigException.class).hasMessage("Invalid port in bootstrap.servers: localhost:65536");
        assertThatThrownBy(() -> BootstrapServers.parse(List.of("localhost:99999999999")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Invalid port in bootstrap.servers: localhost:99999999999");
    }

    @Test
    void nothingToConnectToIsRefused() {
        assertThatThrownBy(() -> BootstrapServers.parse(List.of()))
                .isInstanceOf(ConfigException.class).hasMessage("No resolvable bootstrap urls given in bootstrap.servers");
        assertThatThrownBy(() -> BootstrapServers.parse(Arrays.asList("", " ", null)))
                .isInstanceOf(ConfigException.class).hasMessage("No resolvable bootstrap urls given in bootstrap.servers");
    }
}
