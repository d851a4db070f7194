package io.samsa.broker.authorizer;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The {@code *_authorized_operations} fields of Metadata, DescribeCluster and DescribeGroups (KIP-430): a 32-bit
 * field with bit {@code op.code()} set for each operation, of those Kafka defines for the resource type, that the
 * principal may perform on the resource. Without an authorizer every defined operation is allowed, as in Kafka.
 * Stateless.
 */
public final class AuthorizedOperations {
    /** Kafka's value when the client did not ask for the field. */
    public static final int NOT_REQUESTED = Integer.MIN_VALUE;

    /** Kafka's operations per resource type (its AclEntry.supportedOperations). */
    private static final Map<ResourceType, Set<AclOperation>> SUPPORTED = Map.of(
            ResourceType.TOPIC, EnumSet.of(AclOperation.READ, AclOperation.WRITE, AclOperation.CREATE,
                    AclOperation.DESCRIBE, AclOperation.DELETE, AclOperation.ALTER, AclOperation.DESCRIBE_CONFIGS,
                    AclOperation.ALTER_CONFIGS),
            ResourceType.GROUP, EnumSet.of(AclOperation.READ, AclOperation.DESCRIBE, AclOperation.DELETE,
                    AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS),
            ResourceType.CLUSTER, EnumSet.of(AclOperation.CREATE, AclOperation.CLUSTER_ACTION,
                    AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS, AclOperation.IDEMPOTENT_WRITE,
                    AclOperation.ALTER, AclOperation.DESCRIBE),
            ResourceType.TRANSACTIONAL_ID, EnumSet.of(AclOperation.DESCRIBE, AclOperation.WRITE));

    private AuthorizedOperations() {
    }

    /** The bit field of the type's operations that {@code allowed} accepts. */
    public static int of(ResourceType type, Predicate<AclOperation> allowed) {
        int bits = 0;
        for (AclOperation op : SUPPORTED.getOrDefault(type, Set.of())) {
            if (allowed.test(op)) {
                bits |= 1 << op.code();
            }
        }
        return bits;
    }
}
