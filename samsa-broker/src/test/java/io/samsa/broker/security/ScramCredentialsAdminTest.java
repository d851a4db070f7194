package io.samsa.broker.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialDeletion;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.admin.UserScramCredentialsDescription;
import org.apache.kafka.common.errors.ResourceNotFoundException;
import org.apache.kafka.common.errors.UnacceptableCredentialException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.broker.testing.BrokerProcess;
import io.samsa.broker.testing.Clients;
import io.samsa.testkit.KafkaTool;

/**
 * SCRAM credentials managed from outside (KIP-554): stock Admin's alterUserScramCredentials and
 * describeUserScramCredentials, and Kafka's own {@code kafka-configs --entity-type users}, against a broker
 * process; the credentials survive a SIGKILL and restart.
 */
class ScramCredentialsAdminTest {
    @TempDir
    Path tmp;

    @Test
    void credentialsAreAddedDescribedDeletedAndSurviveARestart() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        int port = BrokerProcess.freePort();
        try (BrokerProcess broker = BrokerProcess.start(data, port, Map.of());
                Admin admin = Clients.admin(broker.bootstrapServers())) {
            admin.alterUserScramCredentials(List.of(
                    new UserScramCredentialUpsertion("alice", new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512,
                            8192), "alice-secret"),
                    new UserScramCredentialUpsertion("bob", new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256,
                            4096), "bob-secret"))).all().get();
            Map<String, UserScramCredentialsDescription> all = admin.describeUserScramCredentials().all().get();
            assertThat(all).containsOnlyKeys("alice", "bob");
            assertThat(all.get("alice").credentialInfos())
                    .containsExactly(new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192));

            // Kafka's checks reach the client as Kafka's exceptions, per user.
            Throwable few = catchThrowable(() -> admin.alterUserScramCredentials(List.of(
                    new UserScramCredentialUpsertion("carol", new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256,
                            100), "x"))).all().get());
            assertThat(few).hasCauseInstanceOf(UnacceptableCredentialException.class);
            Throwable missing = catchThrowable(() -> admin.describeUserScramCredentials(List.of("nobody"))
                    .description("nobody").get());
            assertThat(missing).hasCauseInstanceOf(ResourceNotFoundException.class);

            // Kafka's own tool, unchanged.
            KafkaTool.Output out = KafkaTool.run("org.apache.kafka.tools.ConfigCommand", "--bootstrap-server",
                    broker.bootstrapServers(), "--alter", "--add-config",
                    "SCRAM-SHA-256=[iterations=4096,password=carol-secret]", "--entity-type", "users",
                    "--entity-name", "carol");
            assertThat(out.exit()).as(out.text()).isZero();
            admin.alterUserScramCredentials(List.of(new UserScramCredentialDeletion("bob",
                    ScramMechanism.SCRAM_SHA_256))).all().get();
            broker.kill();
        }
        try (BrokerProcess broker = BrokerProcess.start(data, port, Map.of());
                Admin admin = Clients.admin(broker.bootstrapServers())) {
            Map<String, UserScramCredentialsDescription> all = admin.describeUserScramCredentials().all().get();
            assertThat(all).containsOnlyKeys("alice", "carol");
            assertThat(all.get("carol").credentialInfos())
                    .containsExactly(new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 4096));
        }
    }
}
