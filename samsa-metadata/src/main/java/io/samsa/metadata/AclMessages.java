package io.samsa.metadata;

import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.message.CreateAclsRequestData.AclCreation;
import org.apache.kafka.common.message.DeleteAclsRequestData.DeleteAclsFilter;
import org.apache.kafka.common.message.DeleteAclsResponseData.DeleteAclsMatchingAcl;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;

import io.samsa.metadata.ControllerApi.NewAcl;

/**
 * ACL bindings and filters to and from the fields of Kafka's CreateAcls and DeleteAcls messages, for the broker's
 * handlers and the controller channel alike. An unknown code becomes Kafka's UNKNOWN value, which the checks in
 * {@link AclChanges} refuse.
 */
public final class AclMessages {
    private AclMessages() {
    }

    public static NewAcl newAcl(AclCreation c) {
        return new NewAcl(c.resourceType(), c.resourceName(), c.resourcePatternType(), c.principal(), c.host(),
                c.operation(), c.permissionType());
    }

    public static AclCreation creation(NewAcl a) {
        return new AclCreation().setResourceType(a.resourceType()).setResourceName(a.resourceName())
                .setResourcePatternType(a.patternType()).setPrincipal(a.principal()).setHost(a.host())
                .setOperation(a.operation()).setPermissionType(a.permission());
    }

    public static AclBindingFilter filter(DeleteAclsFilter f) {
        return filter(f.resourceTypeFilter(), f.resourceNameFilter(), f.patternTypeFilter(), f.principalFilter(),
                f.hostFilter(), f.operation(), f.permissionType());
    }

    /** A filter from the fields DescribeAcls and DeleteAcls share (null strings match anything). */
    public static AclBindingFilter filter(byte resourceType, String name, byte patternType, String principal,
                                          String host, byte operation, byte permission) {
        return new AclBindingFilter(new ResourcePatternFilter(ResourceType.fromCode(resourceType), name,
                PatternType.fromCode(patternType)), new AccessControlEntryFilter(principal, host,
                AclOperation.fromCode(operation), AclPermissionType.fromCode(permission)));
    }

    public static DeleteAclsFilter deleteFilter(AclBindingFilter f) {
        return new DeleteAclsFilter().setResourceTypeFilter(f.patternFilter().resourceType().code())
                .setResourceNameFilter(f.patternFilter().name())
                .setPatternTypeFilter(f.patternFilter().patternType().code())
                .setPrincipalFilter(f.entryFilter().principal()).setHostFilter(f.entryFilter().host())
                .setOperation(f.entryFilter().operation().code())
                .setPermissionType(f.entryFilter().permissionType().code());
    }

    public static DeleteAclsMatchingAcl matchingAcl(AclBinding b) {
        return new DeleteAclsMatchingAcl().setResourceType(b.pattern().resourceType().code())
                .setResourceName(b.pattern().name()).setPatternType(b.pattern().patternType().code())
                .setPrincipal(b.entry().principal()).setHost(b.entry().host())
                .setOperation(b.entry().operation().code()).setPermissionType(b.entry().permissionType().code());
    }

    public static AclBinding binding(DeleteAclsMatchingAcl m) {
        return new AclBinding(new ResourcePattern(ResourceType.fromCode(m.resourceType()), m.resourceName(),
                PatternType.fromCode(m.patternType())), new AccessControlEntry(m.principal(), m.host(),
                AclOperation.fromCode(m.operation()), AclPermissionType.fromCode(m.permissionType())));
    }
}
