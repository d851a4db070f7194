package io.samsa.broker.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsRequestData.DeleteTopicState;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.DeleteTopicsResponseData.DeletableTopicResult;
import org.apache.kafka.common.message.SaslAuthenticateRequestData;
import org.apache.kafka.common.message.SaslAuthenticateResponseData;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.broker.protocol.RawKafkaConnection;
import io.samsa.broker.testing.BrokerProcess;
import io.samsa.broker.testing.Clients;

/**
 * ACLs enforced on a broker process with a SASL_PLAINTEXT listener (PLAIN users admin, alice, bob; admin a super
 * user), seen through stock kafka-clients: WRITE gates producing, DESCRIBE what Metadata lists, a group READ ACL
 * gates a consumer group, WRITE on a transactional id a transactional producer, DENY beats ALLOW, PREFIXED ACLs
 * match by prefix, and a denial is in the audit log.
 */
class AclAuthorizationTest {
    static final String JAAS_USERS = "org.apache.kafka.common.security.plain.PlainLoginModule required "
            + "user_admin=\"admin-secret\" user_alice=\"alice-secret\" user_bob=\"bob-secret\";";

    @TempDir
    static Path tmp;
    static BrokerProcess broker;
    static Admin admin;

    /** The broker settings of a single SASL_PLAINTEXT node with the authorizer on. */
    static Map<String, String> secured(int port) {
        Map<String, String> props = new HashMap<>();
        props.put("listeners", "SASL_PLAINTEXT://127.0.0.1:" + port);
        props.put("listener.security.protocol.map", "SASL_PLAINTEXT:SASL_PLAINTEXT");
        props.put("inter.broker.listener.name", "SASL_PLAINTEXT");
        props.put("sasl.enabled.mechanisms", "PLAIN");
        props.put("listener.name.sasl_plaintext.plain.sasl.jaas.config", JAAS_USERS);
        props.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        props.put("super.users", "User:admin");
        props.put("group.initial.rebalance.delay.ms", "0");
        return props;
    }

    /** Stock client settings that log in as {@code user} (its password is {@code <user>-secret}). */
    static Map<String, Object> as(String user) {
        Map<String, Object> c = new HashMap<>();
        c.put("security.protocol", "SASL_PLAINTEXT");
        c.put("sasl.mechanism", "PLAIN");
        c.put("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
                + user + "\" password=\"" + user + "-secret\";");
        return c;
    }

    static Admin admin(String bootstrap, String user) {
        Map<String, Object> c = as(user);
        c.put("bootstrap.servers", bootstrap);
        return Admin.create(c);
    }

    static KafkaProducer<byte[], byte[]> producer(String user) {
        Map<String, Object> c = as(user);
        c.put("max.block.ms", "30000");
        return Clients.producer(broker.bootstrapServers(), c);
    }

    static KafkaConsumer<byte[], byte[]> consumer(String user, String group) {
        Map<String, Object> c = as(user);
        c.put("auto.offset.reset", "earliest");
        if (group != null) {
            c.put("group.id", group);
        }
        return Clients.consumer(broker.bootstrapServers(), c);
    }

    static AclBinding acl(ResourceType type, String name, PatternType pattern, String principal, AclOperation op,
                          AclPermissionType permission) {
        return new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry(principal, "*", op, permission));
    }

    static AclBinding allow(ResourceType type, String name, PatternType pattern, String principal, AclOperation op) {
        return acl(type, name, pattern, principal, op, AclPermissionType.ALLOW);
    }

    @BeforeAll
    static void start() throws Exception {
        int port = BrokerProcess.freePort();
        broker = BrokerProcess.start(Files.createDirectories(tmp.resolve("data")), port, secured(port));
        admin = admin(broker.bootstrapServers(), "admin");
    }

    @AfterAll
    static void stop() throws Exception {
        if (admin != null) {
            admin.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    static void createTopics(String... names) throws Exception {
        List<NewTopic> topics = new ArrayList<>();
        for (String n : names) {
            topics.add(new NewTopic(n, 1, (short) 1));
        }
        admin.createTopics(topics).all().get();
    }

    @Test
    void writeNeedsAWriteAclAndADenialIsAudited() throws Exception {
        createTopics("orders", "bobs");
        admin.createAcls(List.of(allow(ResourceType.TOPIC, "orders", PatternType.LITERAL, "User:alice",
                AclOperation.WRITE), allow(ResourceType.TOPIC, "bobs", PatternType.LITERAL, "User:bob",
                AclOperation.WRITE))).all().get();
        try (KafkaProducer<byte[], byte[]> alice = producer("alice")) {
            assertThat(alice.send(new ProducerRecord<>("orders", "a".getBytes())).get().offset()).isZero();
        }
        try (KafkaProducer<byte[], byte[]> bob = producer("bob")) {
            // Bob may write somewhere (his idempotent producer id is granted), but not to orders.
            Throwable denied = catchThrowable(() -> bob.send(new ProducerRecord<>("orders", "b".getBytes())).get());
            assertThat(denied).hasCauseInstanceOf(TopicAuthorizationException.class);
            assertThat(bob.send(new ProducerRecord<>("bobs", "b".getBytes())).get().offset()).isZero();
        }
        awaitOutput("Principal = User:bob is Denied operation = ");
        assertThat(broker.output()).containsPattern(
                "Principal = User:bob is Denied operation = (DESCRIBE|WRITE) from host = 127\\.0\\.0\\.1 on "
                        + "resource = Topic:LITERAL:orders");
    }

    @Test
    void metadataListsOnlyTheTopicsAUserMayDescribe() throws Exception {
        createTopics("visible", "hidden");
        admin.createAcls(List.of(allow(ResourceType.TOPIC, "visible", PatternType.LITERAL, "User:alice",
                AclOperation.READ))).all().get(); // READ implies DESCRIBE
        try (Admin alice = admin(broker.bootstrapServers(), "alice")) {
            Set<String> seen = alice.listTopics().names().get();
            assertThat(seen).contains("visible").doesNotContain("hidden");
        }
        assertThat(admin.listTopics().names().get()).contains("visible", "hidden"); // a super user sees all
    }

    @Test
    void authorizedOperationsAreWhatTheAclsAllow() throws Exception {
        createTopics("ops");
        admin.createAcls(List.of(allow(ResourceType.TOPIC, "ops", PatternType.LITERAL, "User:bob",
                AclOperation.READ), allow(ResourceType.TOPIC, "ops", PatternType.LITERAL, "User:bob",
                AclOperation.DESCRIBE_CONFIGS), allow(ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL,
                "User:bob", AclOperation.DESCRIBE))).all().get();
        try (Admin bob = admin(broker.bootstrapServers(), "bob")) {
            TopicDescription ops = bob.describeTopics(List.of("ops"),
                    new DescribeTopicsOptions().includeAuthorizedOperations(true)).allTopicNames().get().get("ops");
            assertThat(ops.authorizedOperations()).containsExactlyInAnyOrder(AclOperation.READ,
                    AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS);
            assertThat(bob.describeCluster(new DescribeClusterOptions().includeAuthorizedOperations(true))
                    .authorizedOperations().get()).containsExactly(AclOperation.DESCRIBE);
        }
        assertThat(admin.describeCluster(new DescribeClusterOptions().includeAuthorizedOperations(true))
                .authorizedOperations().get()).as("a super user may do all of them").contains(AclOperation.ALTER,
                AclOperation.CLUSTER_ACTION, AclOperation.CREATE, AclOperation.IDEMPOTENT_WRITE);
    }

    @Test
    void deletingByIdATopicOneMayNotDescribeDoesNotRevealItsName() throws Exception {
        createTopics("secret-name");
        Uuid id = admin.describeTopics(List.of("secret-name")).allTopicNames().get().get("secret-name").topicId();
        try (RawKafkaConnection bob = new RawKafkaConnection("127.0.0.1", broker.port(), 10_000)) {
            bob.send(ApiKeys.SASL_HANDSHAKE, (short) 1, new SaslHandshakeRequestData().setMechanism("PLAIN"));
            SaslAuthenticateResponseData login = (SaslAuthenticateResponseData) bob.send(ApiKeys.SASL_AUTHENTICATE,
                    (short) 2, new SaslAuthenticateRequestData().setAuthBytes("\u0000bob\u0000bob-secret".getBytes()));
            assertThat(login.errorCode()).isZero();
            DeleteTopicsResponseData response = (DeleteTopicsResponseData) bob.send(ApiKeys.DELETE_TOPICS, (short) 6,
                    new DeleteTopicsRequestData().setTimeoutMs(10_000)
                            .setTopics(List.of(new DeleteTopicState().setTopicId(id))));
            DeletableTopicResult result = response.responses().iterator().next();
            assertThat(result.errorCode()).isEqualTo(Errors.TOPIC_AUTHORIZATION_FAILED.code());
            assertThat(result.name()).as("the name of a topic bob may not describe").isNull();
        }
        assertThat(admin.listTopics().names().get()).contains("secret-name");
    }

    @Test
    void aGroupReadAclGatesAConsumerGroupAndPrefixedAclsMatchByPrefix() throws Exception {
        createTopics("events");
        try (KafkaProducer<byte[], byte[]> p = producer("admin")) {
            p.send(new ProducerRecord<>("events", "e".getBytes())).get();
        }
        admin.createAcls(List.of(allow(ResourceType.TOPIC, "events", PatternType.LITERAL, "User:alice",
                AclOperation.READ))).all().get();
        try (KafkaConsumer<byte[], byte[]> denied = consumer("alice", "team-a")) {
            denied.subscribe(List.of("events"));
            Throwable error = catchThrowable(() -> pollUntilRecord(denied));
            assertThat(error).isInstanceOf(GroupAuthorizationException.class);
        }
        admin.createAcls(List.of(allow(ResourceType.GROUP, "team-", PatternType.PREFIXED, "User:alice",
                AclOperation.READ))).all().get();
        try (KafkaConsumer<byte[], byte[]> allowed = consumer("alice", "team-a")) {
            allowed.subscribe(List.of("events"));
            assertThat(new String(pollUntilRecord(allowed).value())).isEqualTo("e");
            allowed.commitSync();
        }
    }

    @Test
    void denyBeatsAllow() throws Exception {
        createTopics("mixed");
        try (KafkaProducer<byte[], byte[]> p = producer("admin")) {
            p.send(new ProducerRecord<>("mixed", "m".getBytes())).get();
        }
        admin.createAcls(List.of(
                allow(ResourceType.TOPIC, "mix", PatternType.PREFIXED, "User:*", AclOperation.READ),
                acl(ResourceType.TOPIC, "mixed", PatternType.LITERAL, "User:alice", AclOperation.READ,
                        AclPermissionType.DENY))).all().get();
        TopicPartition tp = new TopicPartition("mixed", 0);
        try (KafkaConsumer<byte[], byte[]> bob = consumer("bob", null)) {
            bob.assign(List.of(tp));
            assertThat(new String(pollUntilRecord(bob).value())).isEqualTo("m");
        }
        try (KafkaConsumer<byte[], byte[]> alice = consumer("alice", null)) {
            alice.assign(List.of(tp));
            assertThat(catchThrowable(() -> pollUntilRecord(alice))).isInstanceOf(TopicAuthorizationException.class);
        }
    }

    @Test
    void aTransactionalProducerNeedsWriteOnItsTransactionalId() throws Exception {
        createTopics("payments");
        admin.createAcls(List.of(allow(ResourceType.TOPIC, "payments", PatternType.LITERAL, "User:alice",
                AclOperation.WRITE), allow(ResourceType.TRANSACTIONAL_ID, "pay-", PatternType.PREFIXED,
                "User:alice", AclOperation.WRITE))).all().get();
        try (KafkaProducer<byte[], byte[]> p = transactional("alice", "pay-1")) {
            p.initTransactions();
            p.beginTransaction();
            p.send(new ProducerRecord<>("payments", "p".getBytes())).get();
            p.commitTransaction();
        }
        try (KafkaProducer<byte[], byte[]> p = transactional("alice", "other-1")) {
            assertThat(catchThrowable(p::initTransactions)).isInstanceOf(TransactionalIdAuthorizationException.class);
        }
        try (KafkaConsumer<byte[], byte[]> c = consumer("admin", null)) {
            c.assign(List.of(new TopicPartition("payments", 0)));
            assertThat(new String(pollUntilRecord(c).value())).isEqualTo("p");
        }
    }

    static KafkaProducer<byte[], byte[]> transactional(String user, String transactionalId) {
        Map<String, Object> c = as(user);
        c.put("transactional.id", transactionalId);
        c.put("max.block.ms", "30000");
        return Clients.producer(broker.bootstrapServers(), c);
    }

    @Test
    void aSuperUserNeedsNoAcl() throws Exception {
        createTopics("admins-only");
        try (KafkaProducer<byte[], byte[]> p = producer("admin")) {
            p.send(new ProducerRecord<>("admins-only", "x".getBytes())).get();
        }
        try (KafkaConsumer<byte[], byte[]> c = consumer("admin", "admins-group")) {
            c.subscribe(List.of("admins-only"));
            assertThat(new String(pollUntilRecord(c).value())).isEqualTo("x");
            c.commitSync();
        }
        admin.deleteTopics(List.of("admins-only")).all().get();
    }

    /** The first record; a liveness bound of 60 s (an authorization error is thrown by poll at once). */
    static ConsumerRecord<byte[], byte[]> pollUntilRecord(KafkaConsumer<byte[], byte[]> c) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                return r;
            }
        }
        throw new AssertionError("no record within 60 s");
    }

    static void awaitOutput(String text) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!broker.output().contains(text) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }
}
