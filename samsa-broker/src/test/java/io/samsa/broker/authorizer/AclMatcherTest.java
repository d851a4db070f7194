package io.samsa.broker.authorizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

import io.samsa.metadata.AclRecord;
import io.samsa.metadata.AclsImage;
import io.samsa.network.auth.Principal;

/** Kafka's StandardAuthorizer rules, one at a time, over hand-built ACL images. */
class AclMatcherTest {
    private static final Principal ALICE = new Principal("User", "alice");
    private static final Principal BOB = new Principal("User", "bob");
    private static final String HOST = "10.0.0.1";

    private final Map<Uuid, AclRecord> acls = new HashMap<>();

    private AclMatcherTest add(ResourceType type, String name, PatternType pattern, String principal, String host,
                               AclOperation op, AclPermissionType permission) {
        Uuid id = Uuid.randomUuid();
        acls.put(id, new AclRecord(id, type.code(), name, pattern.code(), principal, host, op.code(),
                permission.code()));
        return this;
    }

    private AclMatcherTest allow(String topic, PatternType pattern, String principal, AclOperation op) {
        return add(ResourceType.TOPIC, topic, pattern, principal, "*", op, AclPermissionType.ALLOW);
    }

    private AclMatcherTest deny(String topic, PatternType pattern, String principal, AclOperation op) {
        return add(ResourceType.TOPIC, topic, pattern, principal, "*", op, AclPermissionType.DENY);
    }

    private boolean may(Principal who, AclOperation op, String topic) {
        return may(who, HOST, op, topic, false);
    }

    private boolean may(Principal who, String host, AclOperation op, String topic, boolean allowIfNoAcl) {
        return AclMatcher.decide(new AclsImage(acls), allowIfNoAcl, who, host, op, ResourceType.TOPIC, topic)
                .allowed();
    }

    @Test
    void literalAllowGrantsThatOperationOnThatResourceToThatPrincipalOnly() {
        allow("t", PatternType.LITERAL, "User:alice", AclOperation.WRITE);
        assertThat(may(ALICE, AclOperation.WRITE, "t")).isTrue();
        assertThat(may(ALICE, AclOperation.READ, "t")).isFalse();
        assertThat(may(BOB, AclOperation.WRITE, "t")).isFalse();
        assertThat(may(ALICE, AclOperation.WRITE, "t2")).isFalse(); // a literal name is not a prefix
    }

    @Test
    void denyBeatsAllowWhateverTheOrder() {
        allow("t", PatternType.LITERAL, "User:alice", AclOperation.ALL);
        deny("t", PatternType.PREFIXED, "User:*", AclOperation.WRITE);
        assertThat(may(ALICE, AclOperation.WRITE, "t")).isFalse();
        assertThat(may(ALICE, AclOperation.READ, "t")).isTrue();
    }

    @Test
    void prefixedAndWildcardResourcesMatch() {
        allow("orders-", PatternType.PREFIXED, "User:alice", AclOperation.READ);
        allow("*", PatternType.LITERAL, "User:bob", AclOperation.READ);
        assertThat(may(ALICE, AclOperation.READ, "orders-eu")).isTrue();
        assertThat(may(ALICE, AclOperation.READ, "orders")).isFalse();
        assertThat(may(BOB, AclOperation.READ, "anything")).isTrue();
    }

    @Test
    void wildcardPrincipalAndHosts() {
        add(ResourceType.TOPIC, "t", PatternType.LITERAL, "User:*", "10.0.0.1", AclOperation.READ,
                AclPermissionType.ALLOW);
        assertThat(may(BOB, "10.0.0.1", AclOperation.READ, "t", false)).isTrue();
        assertThat(may(BOB, "10.0.0.2", AclOperation.READ, "t", false)).isFalse();
    }

    @Test
    void allowOfReadWriteDeleteAlterImpliesDescribeAndAlterConfigsImpliesDescribeConfigsButDenyImpliesNothing() {
        allow("r", PatternType.LITERAL, "User:alice", AclOperation.READ);
        allow("c", PatternType.LITERAL, "User:alice", AclOperation.ALTER_CONFIGS);
        allow("d", PatternType.LITERAL, "User:alice", AclOperation.ALL);
        deny("d", PatternType.LITERAL, "User:alice", AclOperation.READ);
        assertThat(may(ALICE, AclOperation.DESCRIBE, "r")).isTrue();
        assertThat(may(ALICE, AclOperation.DESCRIBE_CONFIGS, "c")).isTrue();
        assertThat(may(ALICE, AclOperation.DESCRIBE, "c")).isFalse();
        assertThat(may(ALICE, AclOperation.DESCRIBE, "d")).isTrue(); // the DENY READ does not deny DESCRIBE
        assertThat(may(ALICE, AclOperation.READ, "d")).isFalse();
    }

    @Test
    void withoutAnAclOnTheResourceAllowEveryoneIfNoAclFoundDecides() {
        allow("t", PatternType.LITERAL, "User:alice", AclOperation.READ);
        assertThat(may(BOB, HOST, AclOperation.READ, "other", true)).isTrue();
        assertThat(may(BOB, HOST, AclOperation.READ, "other", false)).isFalse();
        // An ACL on the resource, even for someone else, means the default no longer applies.
        assertThat(may(BOB, HOST, AclOperation.READ, "t", true)).isFalse();
    }

    @Test
    void aResourceOfAnotherTypeIsNotMatched() {
        add(ResourceType.GROUP, "t", PatternType.LITERAL, "User:alice", "*", AclOperation.READ,
                AclPermissionType.ALLOW);
        assertThat(may(ALICE, AclOperation.READ, "t")).isFalse();
    }

    @Test
    void someTopicAllowedUnlessEveryAllowIsCoveredByADeny() {
        AclsImage none = new AclsImage(acls);
        assertThat(AclMatcher.allowsAny(none, false, ALICE, HOST, AclOperation.WRITE, ResourceType.TOPIC)).isFalse();
        assertThat(AclMatcher.allowsAny(none, true, ALICE, HOST, AclOperation.WRITE, ResourceType.TOPIC)).isTrue();
        allow("logs-a", PatternType.LITERAL, "User:alice", AclOperation.WRITE);
        assertThat(AclMatcher.allowsAny(new AclsImage(acls), false, ALICE, HOST, AclOperation.WRITE,
                ResourceType.TOPIC)).isTrue();
        deny("logs-", PatternType.PREFIXED, "User:alice", AclOperation.WRITE);
        assertThat(AclMatcher.allowsAny(new AclsImage(acls), false, ALICE, HOST, AclOperation.WRITE,
                ResourceType.TOPIC)).isFalse();
    }
}
