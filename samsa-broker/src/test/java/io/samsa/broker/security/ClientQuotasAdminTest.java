package io.samsa.broker.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterClientQuotasOptions;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaAlteration.Op;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.quota.ClientQuotaFilter;
import org.apache.kafka.common.quota.ClientQuotaFilterComponent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.broker.testing.BrokerProcess;
import io.samsa.broker.testing.Clients;
import io.samsa.testkit.KafkaTool;

/**
 * Client quotas managed from outside (KIP-546): stock Admin's alterClientQuotas and describeClientQuotas with each
 * kind of filter, and Kafka's own {@code kafka-configs} for clients, users and both, against a broker process; the
 * quotas survive a SIGKILL and restart; with the authorizer on, only a principal allowed ALTER_CONFIGS /
 * DESCRIBE_CONFIGS on the cluster may alter / describe them.
 */
class ClientQuotasAdminTest {
    private static final String CONFIGS = "org.apache.kafka.tools.ConfigCommand";

    @TempDir
    Path tmp;

    private static ClientQuotaEntity entity(String... typeAndName) {
        Map<String, String> entries = new HashMap<>();
        for (int i = 0; i < typeAndName.length; i += 2) {
            entries.put(typeAndName[i], typeAndName[i + 1]);
        }
        return new ClientQuotaEntity(entries);
    }

    private static ClientQuotaAlteration alter(ClientQuotaEntity entity, Op... ops) {
        return new ClientQuotaAlteration(entity, Arrays.asList(ops));
    }

    private static Map<ClientQuotaEntity, Map<String, Double>> describe(Admin admin, ClientQuotaFilter filter)
            throws Exception {
        return admin.describeClientQuotas(filter).entities().get();
    }

    private static KafkaTool.Output configs(String bootstrap, String... args) throws Exception {
        List<String> all = new java.util.ArrayList<>(List.of("--bootstrap-server", bootstrap));
        all.addAll(List.of(args));
        return KafkaTool.run(CONFIGS, all.toArray(String[]::new));
    }

    @Test
    void adminAndKafkaConfigsManageQuotasThatSurviveARestart() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        int port = BrokerProcess.freePort();
        ClientQuotaEntity alice = entity("user", "alice");
        ClientQuotaEntity aliceC1 = entity("user", "alice", "client-id", "c1");
        ClientQuotaEntity userDefault = entity("user", null);
        ClientQuotaEntity c2 = entity("client-id", "c2");
        try (BrokerProcess broker = BrokerProcess.start(data, port, Map.of());
                Admin admin = Clients.admin(broker.bootstrapServers())) {
            admin.alterClientQuotas(List.of(
                    alter(alice, new Op("producer_byte_rate", 1000.0), new Op("request_percentage", 25.5)),
                    alter(aliceC1, new Op("consumer_byte_rate", 2000.0)),
                    alter(userDefault, new Op("producer_byte_rate", 500.0)),
                    alter(c2, new Op("consumer_byte_rate", 3000.0)))).all().get();

            // Kafka's filter rules: exact, default and "specified" components, strict or not.
            assertThat(describe(admin, ClientQuotaFilter.all())).containsOnlyKeys(alice, aliceC1, userDefault, c2);
            assertThat(describe(admin, ClientQuotaFilter.contains(List.of(ClientQuotaFilterComponent.ofEntity(
                    "user", "alice"))))).containsOnlyKeys(alice, aliceC1);
            assertThat(describe(admin, ClientQuotaFilter.containsOnly(List.of(ClientQuotaFilterComponent.ofEntity(
                    "user", "alice"))))).isEqualTo(Map.of(alice, Map.of("producer_byte_rate", 1000.0,
                    "request_percentage", 25.5)));
            assertThat(describe(admin, ClientQuotaFilter.containsOnly(List.of(
                    ClientQuotaFilterComponent.ofDefaultEntity("user"))))).containsOnlyKeys(userDefault);
            assertThat(describe(admin, ClientQuotaFilter.contains(List.of(
                    ClientQuotaFilterComponent.ofEntityType("client-id"))))).containsOnlyKeys(aliceC1, c2);
            assertThat(describe(admin, ClientQuotaFilter.containsOnly(List.of(
                    ClientQuotaFilterComponent.ofEntityType("client-id"))))).containsOnlyKeys(c2);
            assertThat(describe(admin, ClientQuotaFilter.contains(List.of(
                    ClientQuotaFilterComponent.ofEntity("user", "nobody"))))).isEmpty();
            Throwable unknownType = catchThrowable(() -> describe(admin, ClientQuotaFilter.contains(List.of(
                    ClientQuotaFilterComponent.ofEntityType("group")))));
            assertThat(unknownType).hasCauseInstanceOf(
                    org.apache.kafka.common.errors.UnsupportedVersionException.class);

            // Removal (a null value), validate-only, and Kafka's checks per entity.
            admin.alterClientQuotas(List.of(alter(alice, new Op("request_percentage", null)))).all().get();
            admin.alterClientQuotas(List.of(alter(c2, new Op("consumer_byte_rate", 1.0))),
                    new AlterClientQuotasOptions().validateOnly(true)).all().get();
            assertThat(describe(admin, ClientQuotaFilter.all())).containsEntry(alice,
                    Map.of("producer_byte_rate", 1000.0)).containsEntry(c2, Map.of("consumer_byte_rate", 3000.0));
            var bad = admin.alterClientQuotas(List.of(alter(entity("user", "bob"), new Op("no_such_quota", 1.0)),
                    alter(entity("user", "carol"), new Op("producer_byte_rate", 10.0))));
            assertThat(catchThrowable(() -> bad.values().get(entity("user", "bob")).get()))
                    .hasCauseInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("Invalid configuration key no_such_quota");
            bad.values().get(entity("user", "carol")).get();

            // Kafka's own tool, unchanged: clients, the users' default, a user and client together.
            String bootstrap = broker.bootstrapServers();
            KafkaTool.Output out = configs(bootstrap, "--alter", "--entity-type", "clients", "--entity-name", "c1",
                    "--add-config", "producer_byte_rate=1024");
            assertThat(out.exit()).as(out.text()).isZero();
            out = configs(bootstrap, "--alter", "--entity-type", "users", "--entity-default", "--add-config",
                    "consumer_byte_rate=4096");
            assertThat(out.exit()).as(out.text()).isZero();
            out = configs(bootstrap, "--alter", "--entity-type", "users", "--entity-name", "alice", "--entity-type",
                    "clients", "--entity-name", "c1", "--add-config", "request_percentage=40");
            assertThat(out.exit()).as(out.text()).isZero();
            assertThat(describe(admin, ClientQuotaFilter.containsOnly(List.of(ClientQuotaFilterComponent.ofEntity(
                    "client-id", "c1"))))).isEqualTo(Map.of(entity("client-id", "c1"),
                    Map.of("producer_byte_rate", 1024.0)));
            assertThat(describe(admin, ClientQuotaFilter.all()).get(userDefault))
                    .isEqualTo(Map.of("producer_byte_rate", 500.0, "consumer_byte_rate", 4096.0));
            assertThat(describe(admin, ClientQuotaFilter.all()).get(aliceC1))
                    .isEqualTo(Map.of("consumer_byte_rate", 2000.0, "request_percentage", 40.0));

            out = configs(bootstrap, "--describe", "--entity-type", "clients", "--entity-name", "c1");
            assertThat(out.exit()).as(out.text()).isZero();
            assertThat(out.text()).contains("Quota configs for client-id 'c1' are producer_byte_rate=1024.0");
            out = configs(bootstrap, "--alter", "--entity-type", "users", "--entity-name", "alice", "--entity-type",
                    "clients", "--entity-name", "c1", "--delete-config", "consumer_byte_rate");
            assertThat(out.exit()).as(out.text()).isZero();
            assertThat(describe(admin, ClientQuotaFilter.all()).get(aliceC1))
                    .isEqualTo(Map.of("request_percentage", 40.0));

            // kafka-configs --describe for users shows quotas and SCRAM credentials together.
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion("alice",
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 4096), "alice-secret"))).all().get();
            out = configs(bootstrap, "--describe", "--entity-type", "users", "--entity-name", "alice");
            assertThat(out.exit()).as(out.text()).isZero();
            assertThat(out.text()).contains("Quota configs for user-principal 'alice' are producer_byte_rate=1000.0")
                    .contains("SCRAM credential configs for user-principal 'alice' are SCRAM-SHA-256=iterations=4096");
            out = configs(bootstrap, "--describe", "--entity-type", "users");
            assertThat(out.exit()).as(out.text()).isZero();
            assertThat(out.text()).contains("Quota configs for the default user-principal are")
                    .contains("Quota configs for user-principal 'carol' are producer_byte_rate=10.0")
                    .contains("SCRAM credential configs for user-principal 'alice' are SCRAM-SHA-256=iterations=4096");
            broker.kill();
        }
        try (BrokerProcess broker = BrokerProcess.start(data, port, Map.of());
                Admin admin = Clients.admin(broker.bootstrapServers())) {
            Map<ClientQuotaEntity, Map<String, Double>> all = describe(admin, ClientQuotaFilter.all());
            assertThat(all).containsOnlyKeys(alice, aliceC1, userDefault, c2, entity("user", "carol"),
                    entity("client-id", "c1"));
            assertThat(all.get(alice)).isEqualTo(Map.of("producer_byte_rate", 1000.0));
            assertThat(all.get(aliceC1)).isEqualTo(Map.of("request_percentage", 40.0));
            assertThat(all.get(userDefault)).isEqualTo(Map.of("producer_byte_rate", 500.0,
                    "consumer_byte_rate", 4096.0));
        }
    }

    @Test
    void onlyAPrincipalAllowedOnTheClusterAltersOrDescribesQuotas() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        int port = BrokerProcess.freePort();
        ClientQuotaEntity c1 = entity("client-id", "c1");
        try (BrokerProcess broker = BrokerProcess.start(data, port, AclAuthorizationTest.secured(port));
                Admin admin = AclAuthorizationTest.admin(broker.bootstrapServers(), "admin");
                Admin alice = AclAuthorizationTest.admin(broker.bootstrapServers(), "alice")) {
            Throwable alter = catchThrowable(() -> alice.alterClientQuotas(List.of(alter(c1,
                    new Op("producer_byte_rate", 1.0)))).all().get());
            assertThat(alter).hasCauseInstanceOf(ClusterAuthorizationException.class);
            Throwable describe = catchThrowable(() -> describe(alice, ClientQuotaFilter.all()));
            assertThat(describe).hasCauseInstanceOf(ClusterAuthorizationException.class);

            admin.alterClientQuotas(List.of(alter(c1, new Op("producer_byte_rate", 1.0)))).all().get();
            assertThat(describe(admin, ClientQuotaFilter.all())).isEqualTo(Map.of(c1,
                    Map.of("producer_byte_rate", 1.0)));
        }
    }
}
