package io.samsa.broker.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.broker.testing.BrokerProcess;
import io.samsa.testkit.KafkaTool;

/**
 * ACLs managed from outside: Kafka's own {@code kafka-acls} (AclCommand) adds, lists and removes them against a
 * SASL_PLAINTEXT broker process, stock Admin creates, describes and deletes them, only a principal allowed ALTER /
 * DESCRIBE on the cluster may, and the bindings survive a SIGKILL and restart.
 */
class AclToolAndRestartTest {
    private static final String ACLS = "org.apache.kafka.tools.AclCommand";

    @TempDir
    Path tmp;

    @Test
    void kafkaAclsAndAdminManageBindingsThatSurviveARestart() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Path adminConfig = tmp.resolve("admin.properties");
        Files.writeString(adminConfig, "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\n"
                + "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required "
                + "username=\"admin\" password=\"admin-secret\";\n");
        int port = BrokerProcess.freePort();
        try (BrokerProcess broker = BrokerProcess.start(data, port, AclAuthorizationTest.secured(port))) {
            String bootstrap = broker.bootstrapServers();
            KafkaTool.Output added = KafkaTool.run(ACLS, "--bootstrap-server", bootstrap, "--command-config",
                    adminConfig.toString(), "--add", "--allow-principal", "User:alice", "--operation", "Write",
                    "--topic", "t");
            assertThat(added.exit()).as(added.text()).isZero();
            KafkaTool.Output prefixed = KafkaTool.run(ACLS, "--bootstrap-server", bootstrap, "--command-config",
                    adminConfig.toString(), "--add", "--deny-principal", "User:bob", "--operation", "Read",
                    "--group", "team-", "--resource-pattern-type", "prefixed");
            assertThat(prefixed.exit()).as(prefixed.text()).isZero();

            KafkaTool.Output listed = KafkaTool.run(ACLS, "--bootstrap-server", bootstrap, "--command-config",
                    adminConfig.toString(), "--list", "--topic", "t");
            assertThat(listed.exit()).as(listed.text()).isZero();
            assertThat(listed.text()).contains("name=t, patternType=LITERAL").contains("principal=User:alice")
                    .contains("operation=WRITE").contains("permissionType=ALLOW");

            try (Admin alice = AclAuthorizationTest.admin(bootstrap, "alice")) {
                Throwable denied = catchThrowable(() -> alice.describeAcls(AclBindingFilter.ANY).values().get());
                assertThat(denied).hasCauseInstanceOf(ClusterAuthorizationException.class);
            }
            broker.kill();
        }
        try (BrokerProcess broker = BrokerProcess.start(data, port, AclAuthorizationTest.secured(port));
                Admin admin = AclAuthorizationTest.admin(broker.bootstrapServers(), "admin")) {
            Collection<AclBinding> all = admin.describeAcls(AclBindingFilter.ANY).values().get();
            assertThat(all).extracting(b -> b.pattern().name()).containsExactlyInAnyOrder("t", "team-");

            KafkaTool.Output removed = KafkaTool.run(ACLS, "--bootstrap-server", broker.bootstrapServers(),
                    "--command-config", adminConfig.toString(), "--remove", "--force", "--allow-principal",
                    "User:alice", "--operation", "Write", "--topic", "t");
            assertThat(removed.exit()).as(removed.text()).isZero();

            Collection<AclBinding> deleted = admin.deleteAcls(List.of(new AclBindingFilter(
                    new ResourcePatternFilter(ResourceType.GROUP, null, PatternType.ANY),
                    AccessControlEntryFilter.ANY))).all().get();
            assertThat(deleted).singleElement().satisfies(b -> {
                assertThat(b.pattern().name()).isEqualTo("team-");
                assertThat(b.entry().operation()).isEqualTo(AclOperation.READ);
            });
            assertThat(admin.describeAcls(AclBindingFilter.ANY).values().get()).isEmpty();
        }
    }
}
