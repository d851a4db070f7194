package io.samsa.broker.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.broker.testing.Clients;

/**
 * Mutual TLS names the principal: on the SSL listener ({@code ssl.client.auth=required}, the rule
 * {@code RULE:^CN=([^,]+),.*$/$1/}) the {@code CN=alice,OU=test} certificate is {@code User:alice}, which the ACLs
 * then see: a Write ACL for User:alice lets the certificate's holder produce, a topic without one refuses it with
 * TOPIC_AUTHORIZATION_FAILED, and a SASL user without the ACL is refused the first topic.
 */
class MutualTlsPrincipalTest {
    @TempDir
    Path tmp;

    @Test
    void theCertificatesCommonNameIsThePrincipalTheAclsSee() throws Exception {
        Map<String, String> authorizer = Map.of(
                "authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                // the test's own admin on the PLAINTEXT listener is User:ANONYMOUS
                "super.users", "User:ANONYMOUS");
        try (SecuredBroker broker = new SecuredBroker(Files.createDirectories(tmp.resolve("data")), authorizer)) {
            broker.addScramUser("bob", "bob-secret", ScramMechanism.SCRAM_SHA_512);
            try (Admin admin = Clients.admin(broker.plaintext())) {
                admin.createTopics(List.of(new NewTopic("alice-only", 1, (short) 1),
                        new NewTopic("nobodys", 1, (short) 1))).all().get();
                admin.createAcls(List.of(new AclBinding(
                        new ResourcePattern(ResourceType.TOPIC, "alice-only", PatternType.LITERAL),
                        new AccessControlEntry("User:alice", "*", AclOperation.WRITE, AclPermissionType.ALLOW))))
                        .all().get();
            }
            try (KafkaProducer<byte[], byte[]> alice = producer(broker.mutualTlsClient())) {
                alice.send(new ProducerRecord<>("alice-only", bytes("by certificate"))).get(30, TimeUnit.SECONDS);
                assertThat(refusal(alice, "nobodys")).isInstanceOf(TopicAuthorizationException.class);
            }
            try (KafkaProducer<byte[], byte[]> bob = producer(broker.saslSslClient("SCRAM-SHA-512", "bob",
                    "bob-secret"))) {
                assertThat(refusal(bob, "alice-only")).isInstanceOf(TopicAuthorizationException.class);
            }
            assertThat(broker.process.output()).contains("Principal = User:bob is Denied");
        }
    }

    private static KafkaProducer<byte[], byte[]> producer(Map<String, Object> client) {
        client.put("max.block.ms", 20_000);
        return new KafkaProducer<>(client, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static Throwable refusal(KafkaProducer<byte[], byte[]> producer, String topic) {
        Throwable t = catchThrowable(() -> producer.send(new ProducerRecord<>(topic, bytes("x")))
                .get(30, TimeUnit.SECONDS));
        return t instanceof ExecutionException ? t.getCause() : t;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
