package io.samsa.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.broker.SamsaBroker;

/**
 * {@code samsa users add|list|delete} against an embedded broker, checked with stock Admin's
 * describeUserScramCredentials; bad input is one readable line and exit code 1.
 */
class UsersCommandTest {
    private static SamsaBroker broker;
    private static String b;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        broker = SamsaBroker.startEmbedded(Map.of());
        b = broker.bootstrapServers();
    }

    @AfterAll
    static void stop() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void addListAndDeleteUsers() throws Exception {
        Path password = Files.writeString(tmp.resolve("pw"), "alice-secret\n");
        InProcess.Result added = InProcess.run("users", "add", "alice", "--password-file", password.toString(),
                "-b", b);
        assertThat(added.exitCode()).as(added.toString()).isZero();
        assertThat(added.stdout()).contains("User alice: SCRAM-SHA-512 credential set (8192 iterations)");
        assertThat(InProcess.run("users", "add", "alice", "--mechanism", "SCRAM-SHA-256", "--iterations", "4096",
                "--password-file", password.toString(), "-b", b).exitCode()).isZero();

        InProcess.Result list = InProcess.run("users", "list", "-b", b);
        assertThat(list.stdout()).containsPattern("(?m)^USER\\s+MECHANISM\\s+ITERATIONS$")
                .containsPattern("(?m)^alice\\s+SCRAM-SHA-256\\s+4096$")
                .containsPattern("(?m)^alice\\s+SCRAM-SHA-512\\s+8192$");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, b))) {
            assertThat(admin.describeUserScramCredentials().description("alice").get().credentialInfos())
                    .containsExactlyInAnyOrder(new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 4096),
                            new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192));

            InProcess.Result few = InProcess.run("users", "add", "bob", "--iterations", "10", "--password-file",
                    password.toString(), "-b", b);
            assertThat(few.exitCode()).isEqualTo(1);
            assertThat(few.stderr()).isEqualToIgnoringNewLines("samsa: Too few iterations");
            InProcess.Result odd = InProcess.run("users", "add", "bob", "--mechanism", "MD5", "--password-file",
                    password.toString(), "-b", b);
            assertThat(odd.stderr()).contains("Unknown SCRAM mechanism MD5");
            InProcess.Result nobody = InProcess.run("users", "delete", "nobody", "-b", b);
            assertThat(nobody.exitCode()).isEqualTo(1);
            assertThat(nobody.stderr()).contains("User 'nobody' has no SCRAM credentials");

            InProcess.Result deleted = InProcess.run("users", "delete", "alice", "-b", b);
            assertThat(deleted.stdout()).contains("SCRAM-SHA-256 credential deleted")
                    .contains("SCRAM-SHA-512 credential deleted");
            assertThat(admin.describeUserScramCredentials().all().get()).isEmpty();
        }
    }
}
