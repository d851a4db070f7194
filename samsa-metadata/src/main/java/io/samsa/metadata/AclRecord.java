package io.samsa.metadata;

import java.util.Objects;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * One ACL binding (Kafka's AccessControlEntryRecord), named by an id the controller draws so that a delete names
 * exactly the bindings a filter matched. The codes are Kafka's wire codes: resource type ({@link ResourceType#code}),
 * pattern type LITERAL 3 / PREFIXED 4, operation ({@link AclOperation#code}), permission DENY 2 / ALLOW 3.
 *
 * @param principal {@code Type:name}, e.g. {@code User:alice}, or {@code User:*}
 * @param host      a client IP address, or {@code *} for any host
 */
public record AclRecord(Uuid id, byte resourceType, String resourceName, byte patternType, String principal,
                        String host, byte operation, byte permission) implements MetadataRecord {
    public AclRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(resourceName, "resourceName");
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(host, "host");
    }

    public static AclRecord of(Uuid id, ControllerApi.NewAcl a) {
        return new AclRecord(id, a.resourceType(), a.resourceName(), a.patternType(), a.principal(), a.host(),
                a.operation(), a.permission());
    }

    /** Kafka's form, for filters ({@code AclBindingFilter#matches}) and the ACL APIs' responses. */
    public AclBinding toBinding() {
        return new AclBinding(new ResourcePattern(ResourceType.fromCode(resourceType), resourceName,
                PatternType.fromCode(patternType)), new AccessControlEntry(principal, host,
                AclOperation.fromCode(operation), AclPermissionType.fromCode(permission)));
    }

    /** The binding without its id: two records with the same content are the same ACL. */
    public AclRecord withoutId() {
        return new AclRecord(Uuid.ZERO_UUID, resourceType, resourceName, patternType, principal, host, operation,
                permission);
    }
}
