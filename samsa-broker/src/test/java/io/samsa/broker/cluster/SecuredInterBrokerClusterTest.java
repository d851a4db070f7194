package io.samsa.broker.cluster;

import static io.samsa.broker.cluster.ClusterFixtures.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.samsa.broker.testing.Clients;
import io.samsa.testkit.SamsaCluster;
import io.samsa.testkit.TestCertificates;

/**
 * Brokers replicate over a SASL_SSL inter-broker listener of their own ({@code INTERNAL}), authenticating with PLAIN
 * as {@code User:broker} ({@code sasl.mechanism.inter.broker.protocol} and the listener's JAAS line), while clients
 * use a PLAINTEXT listener. The authorizer makes the principal visible: {@code User:broker} is the super user, and
 * {@code User:ANONYMOUS} — what a plaintext follower would be — is denied CLUSTER_ACTION, which follower fetches
 * need. Writes with acks=all and {@code min.insync.replicas=3} still complete, and the ISR stays whole.
 */
@Timeout(300)
class SecuredInterBrokerClusterTest {

    private static Map<String, String> settings() {
        Map<String, String> m = new HashMap<>();
        TestCertificates.shared().serverConfigs().forEach((k, v) -> m.put("listener.name.internal." + k, v));
        m.put("listener.name.internal.sasl.enabled.mechanisms", "PLAIN");
        m.put("listener.name.internal.plain.sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule"
                + " required username=\"broker\" password=\"broker-secret\" user_broker=\"broker-secret\";");
        m.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
        m.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        m.put("super.users", "User:broker");
        m.put("allow.everyone.if.no.acl.found", "true");
        return m;
    }

    @Test
    void brokersReplicateOverSaslSslAsTheirOwnPrincipal() throws Exception {
        try (SamsaCluster cluster = SamsaCluster.startWithInterBrokerListener(3, "SASL_SSL", settings());
             Admin admin = ClusterFixtures.admin(cluster.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic("t", 1, (short) 3)
                    .configs(Map.of("min.insync.replicas", "3")))).all().get(60, TimeUnit.SECONDS);
            // Everything on the cluster for the anonymous clients but what followers need (a deny wins over ALL).
            ResourcePattern theCluster = new ResourcePattern(ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL);
            AclBinding denyAnonymous = new AclBinding(theCluster,
                    new AccessControlEntry("User:ANONYMOUS", "*", AclOperation.CLUSTER_ACTION, AclPermissionType.DENY));
            admin.createAcls(List.of(new AclBinding(theCluster, new AccessControlEntry("User:ANONYMOUS", "*",
                    AclOperation.ALL, AclPermissionType.ALLOW)), denyAnonymous)).all().get(60, TimeUnit.SECONDS);
            for (int node : cluster.brokerIds()) {
                awaitCondition("node " + node + " has the ACL", () -> aclsOn(node, cluster).contains(denyAnonymous));
            }

            try (KafkaProducer<byte[], byte[]> p = Clients.producer(cluster.bootstrapServers(), Map.of("acks", "all",
                    "enable.idempotence", "false", "delivery.timeout.ms", "60000", "request.timeout.ms", "30000"))) {
                for (int i = 0; i < 20; i++) {
                    p.send(new ProducerRecord<>("t", ("v" + i).getBytes())).get(60, TimeUnit.SECONDS);
                }
            }
            ClusterFixtures.awaitIsr(admin, "t", 3);
            assertThat(ClusterFixtures.readAll(cluster.bootstrapServers(), "t", 1)).as("distinct values read")
                    .hasSize(20);
        }
    }

    private static Collection<AclBinding> aclsOn(int node, SamsaCluster cluster) {
        try (Admin admin = ClusterFixtures.admin(cluster.address(node))) {
            return admin.describeAcls(AclBindingFilter.ANY).values().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            return List.of(); // asked again
        }
    }
}
