package io.samsa.broker.cluster;

import static io.samsa.broker.cluster.ClusterFixtures.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
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

/**
 * The authorizer in a three-node cluster. Brokers talk over the PLAINTEXT inter-broker listener as
 * {@code User:ANONYMOUS}, so such a cluster names that principal a super user (here the clients are anonymous too):
 * follower fetches (CLUSTER_ACTION) keep replicating, and an ACL created through one broker travels to the active
 * controller and is listed by every node.
 */
@Timeout(300)
class AclClusterTest {
    private static final Map<String, String> AUTHORIZER = Map.of(
            "authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
            "super.users", "User:ANONYMOUS");

    private static Collection<AclBinding> aclsOn(int node, SamsaCluster cluster) {
        try (Admin admin = ClusterFixtures.admin(cluster.address(node))) {
            return admin.describeAcls(AclBindingFilter.ANY).values().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            return List.of(); // asked again
        }
    }

    @Test
    void replicationWorksAndAnAclReachesEveryNode() throws Exception {
        try (SamsaCluster cluster = SamsaCluster.start(3, AUTHORIZER);
             Admin admin = ClusterFixtures.admin(cluster.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic("t", 1, (short) 3))).all().get(60, TimeUnit.SECONDS);
            try (KafkaProducer<byte[], byte[]> p = Clients.producer(cluster.bootstrapServers(),
                    Map.of("acks", "all"))) {
                p.send(new ProducerRecord<>("t", "v".getBytes())).get(60, TimeUnit.SECONDS);
            }
            ClusterFixtures.awaitIsr(admin, "t", 3);

            AclBinding binding = new AclBinding(new ResourcePattern(ResourceType.TOPIC, "t", PatternType.LITERAL),
                    new AccessControlEntry("User:alice", "*", AclOperation.READ, AclPermissionType.ALLOW));
            admin.createAcls(List.of(binding)).all().get(60, TimeUnit.SECONDS);
            for (int node : cluster.brokerIds()) {
                awaitCondition("node " + node + " lists the ACL", () -> aclsOn(node, cluster).contains(binding));
            }
        }
    }
}
