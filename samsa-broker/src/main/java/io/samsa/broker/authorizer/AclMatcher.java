package io.samsa.broker.authorizer;

import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;

import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

import io.samsa.metadata.AclRecord;
import io.samsa.metadata.AclsImage;
import io.samsa.network.auth.Principal;

/**
 * Kafka's StandardAuthorizer rules over an {@link AclsImage}, as pure functions. A binding applies to a resource
 * when its LITERAL name is the resource's or {@code *}, or its PREFIXED name starts the resource's; to a principal
 * when it names it or {@code User:*}; to a host when it names it or {@code *}; to an operation when it names it or
 * ALL, and an ALLOW of READ, WRITE, DELETE or ALTER also grants DESCRIBE, an ALLOW of ALTER_CONFIGS also
 * DESCRIBE_CONFIGS (a DENY implies nothing). Any applicable DENY denies; else any applicable ALLOW allows; else,
 * when no binding at all names the resource, {@code allow.everyone.if.no.acl.found} decides; else denied.
 * Stateless: callers pass the image they read.
 */
public final class AclMatcher {
    static final String WILDCARD = ResourcePattern.WILDCARD_RESOURCE;
    static final String WILDCARD_PRINCIPAL = "User:*";
    private static final Set<AclOperation> IMPLY_DESCRIBE = EnumSet.of(AclOperation.DESCRIBE, AclOperation.READ,
            AclOperation.WRITE, AclOperation.DELETE, AclOperation.ALTER);
    private static final Set<AclOperation> IMPLY_DESCRIBE_CONFIGS = EnumSet.of(AclOperation.DESCRIBE_CONFIGS,
            AclOperation.ALTER_CONFIGS);

    /** The outcome and the rule that made it, as the audit log names it. */
    public record Decision(boolean allowed, String rule) {
    }

    private AclMatcher() {
    }

    /** The decision for one operation on one literally named resource. */
    public static Decision decide(AclsImage acls, boolean allowIfNoAcl, Principal principal, String host,
                                  AclOperation op, ResourceType type, String name) {
        AclRecord allow = null;
        boolean resourceHasAcls = false;
        for (AclRecord acl : acls.ofType(type.code())) {
            if (!nameMatches(acl, name)) {
                continue;
            }
            resourceHasAcls = true;
            Boolean result = result(acl, principal, host, op);
            if (Boolean.FALSE.equals(result)) {
                return new Decision(false, "MatchingAcl(" + acl.toBinding() + ")");
            }
            if (result != null) {
                allow = acl;
            }
        }
        if (allow != null) {
            return new Decision(true, "MatchingAcl(" + allow.toBinding() + ")");
        }
        if (!resourceHasAcls) {
            return new Decision(allowIfNoAcl, "DefaultRule(no ACL on the resource, allow.everyone.if.no.acl.found="
                    + allowIfNoAcl + ")");
        }
        return new Decision(false, "DefaultRule(no ACL grants it)");
    }

    /**
     * Kafka's {@code authorizeByResourceType}: whether some resource of the type is allowed to the principal for
     * the operation (InitProducerId's "WRITE on any topic" for an idempotent producer). A name no binding could
     * have been written for stands for "every resource without ACLs"; else an applicable ALLOW must exist whose
     * pattern no applicable DENY covers (a DENY on {@code *} covers all, a DENY prefix covers what it starts).
     */
    public static boolean allowsAny(AclsImage acls, boolean allowIfNoAcl, Principal principal, String host,
                                    AclOperation op, ResourceType type) {
        if (decide(acls, allowIfNoAcl, principal, host, op, type, "hardcode").allowed()) {
            return true;
        }
        Set<String> deniedLiterals = new HashSet<>();
        Set<String> deniedPrefixes = new HashSet<>();
        for (AclRecord acl : acls.ofType(type.code())) {
            if (Boolean.FALSE.equals(result(acl, principal, host, op))) {
                (acl.patternType() == PatternType.PREFIXED.code() ? deniedPrefixes : deniedLiterals)
                        .add(acl.resourceName());
            }
        }
        if (deniedLiterals.contains(WILDCARD)) {
            return false;
        }
        for (AclRecord acl : acls.ofType(type.code())) {
            if (!Boolean.TRUE.equals(result(acl, principal, host, op))) {
                continue;
            }
            String name = acl.resourceName();
            boolean literal = acl.patternType() == PatternType.LITERAL.code();
            if (literal && deniedLiterals.contains(name)) {
                continue;
            }
            if (deniedPrefixes.stream().noneMatch(name::startsWith)) {
                return true;
            }
        }
        return false;
    }

    private static boolean nameMatches(AclRecord acl, String name) {
        if (acl.patternType() == PatternType.PREFIXED.code()) {
            return name.startsWith(acl.resourceName());
        }
        return acl.resourceName().equals(name) || acl.resourceName().equals(WILDCARD);
    }

    /** TRUE: the binding allows; FALSE: it denies; null: it does not apply to this principal, host or operation. */
    private static Boolean result(AclRecord acl, Principal principal, String host, AclOperation op) {
        if (!acl.principal().equals(principal.toString()) && !acl.principal().equals(WILDCARD_PRINCIPAL)) {
            return null;
        }
        if (!acl.host().equals(WILDCARD) && !acl.host().equals(host)) {
            return null;
        }
        boolean allow = acl.permission() == AclPermissionType.ALLOW.code();
        AclOperation granted = AclOperation.fromCode(acl.operation());
        if (granted != AclOperation.ALL && granted != op) {
            boolean implied = allow && (op == AclOperation.DESCRIBE && IMPLY_DESCRIBE.contains(granted)
                    || op == AclOperation.DESCRIBE_CONFIGS && IMPLY_DESCRIBE_CONFIGS.contains(granted));
            if (!implied) {
                return null;
            }
        }
        return allow;
    }
}
