package io.samsa.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.quota.ClientQuotaFilter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code samsa quotas set|list|delete} against any Kafka-compatible broker (a subclass supplies it), checked with
 * stock Admin's describeClientQuotas; mistakes are one readable line and exit code 1.
 */
abstract class QuotasCommandContract {
    @TempDir
    Path tmp;

    abstract String bootstrap();

    @Test
    void setListAndDeleteQuotas() throws Exception {
        String b = bootstrap();
        Path config = Files.writeString(tmp.resolve("client.properties"), "client.id=quotas-cli\n");
        InProcess.Result set = InProcess.run("quotas", "set", "--client-id", "limited", "--producer-byte-rate",
                "1048576", "-b", b, "--command-config", config.toString());
        assertThat(set.exitCode()).as(set.toString()).isZero();
        assertThat(set.stdout()).contains("Quotas for client-id=limited: set producer_byte_rate=1048576");
        assertThat(run("quotas", "set", "--user", "alice", "--default-client-id", "--consumer-byte-rate", "2048",
                "--request-percentage", "12.5", "-b", b).exitCode()).isZero();
        assertThat(run("quotas", "set", "--default-user", "--producer-byte-rate", "5000000", "-b", b).exitCode())
                .isZero();

        awaitEntities(b, 3);
        InProcess.Result list = run("quotas", "list", "-b", b);
        assertThat(list.stdout()).containsPattern("(?m)^USER\\s+CLIENT-ID\\s+QUOTA\\s+VALUE$")
                .containsPattern("(?m)^-\\s+limited\\s+producer_byte_rate\\s+1048576$")
                .containsPattern("(?m)^alice\\s+<default>\\s+consumer_byte_rate\\s+2048$")
                .containsPattern("(?m)^alice\\s+<default>\\s+request_percentage\\s+12.5$")
                .containsPattern("(?m)^<default>\\s+-\\s+producer_byte_rate\\s+5000000$");
        InProcess.Result one = run("quotas", "list", "--client-id", "limited", "-b", b);
        assertThat(one.stdout().lines()).hasSize(2).last().asString().contains("limited");

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, b))) {
            Map<ClientQuotaEntity, Map<String, Double>> seen = admin.describeClientQuotas(ClientQuotaFilter.all())
                    .entities().get(20, TimeUnit.SECONDS);
            Map<String, String> aliceDefault = new HashMap<>();
            aliceDefault.put("user", "alice");
            aliceDefault.put("client-id", null);
            assertThat(seen.get(new ClientQuotaEntity(aliceDefault)))
                    .isEqualTo(Map.of("consumer_byte_rate", 2048.0, "request_percentage", 12.5));

            InProcess.Result deleted = run("quotas", "delete", "--client-id", "limited", "--producer-byte-rate",
                    "-b", b);
            assertThat(deleted.stdout()).contains("Quotas for client-id=limited: deleted producer_byte_rate");
            awaitEntities(b, 2);
            InProcess.Result all = run("quotas", "delete", "--user", "alice", "--default-client-id", "-b", b);
            assertThat(all.stdout()).contains("deleted consumer_byte_rate, request_percentage");
            assertThat(run("quotas", "delete", "--default-user", "-b", b).exitCode()).isZero();
            awaitEntities(b, 0);
        }
        assertThat(run("quotas", "list", "-b", b).stdout().lines()).as("only the header").hasSize(1);
    }

    @Test
    void mistakesAreOneReadableLine() {
        String b = bootstrap();
        assertError(run("quotas", "set", "--producer-byte-rate", "10", "-b", b), "samsa: Name what the quota is for");
        assertError(run("quotas", "set", "--client-id", "x", "-b", b), "samsa: Give a quota to set");
        assertError(run("quotas", "set", "--user", "a", "--default-user", "--producer-byte-rate", "1", "-b", b),
                "samsa: Give --user or --default-user, not both");
        assertError(run("quotas", "delete", "--client-id", "nobody", "-b", b),
                "samsa: No quotas are set for client-id=nobody");
        assertError(run("quotas", "list", "-b", b, "--command-config", tmp.resolve("missing").toString()),
                "samsa: --command-config: no such file");
        InProcess.Result usage = run("quotas", "set", "--client-id", "x", "--producer-byte-rate", "lots", "-b", b);
        assertThat(usage.exitCode()).as(usage.toString()).isEqualTo(2);
    }

    /**
     * Waits until the broker describes {@code count} entities with quotas: a broker answers from its metadata
     * cache, which follows the controller's commit a moment later (Apache Kafka; Samsa answers at once).
     */
    private static void awaitEntities(String bootstrap, int count) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            long deadline = System.currentTimeMillis() + 15_000;
            int seen;
            while ((seen = admin.describeClientQuotas(ClientQuotaFilter.all()).entities().get(20, TimeUnit.SECONDS)
                    .size()) != count && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            assertThat(seen).as("entities with quotas").isEqualTo(count);
        }
    }

    private static InProcess.Result run(String... args) {
        return InProcess.run(args);
    }

    private static void assertError(InProcess.Result r, String line) {
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.stderr().lines()).as(r.toString()).hasSize(1).first().asString().startsWith(line);
    }
}
