package io.samsa.metadata;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

import io.samsa.metadata.ControllerApi.AclFilterResult;
import io.samsa.metadata.ControllerApi.AclOutcome;
import io.samsa.metadata.ControllerApi.NewAcl;

/**
 * Turns CreateAcls and DeleteAcls into records and per-binding / per-filter outcomes, with Kafka's rules (its
 * controller's and its broker's, which Samsa checks in one place): a binding to create names a concrete resource
 * type, a LITERAL or PREFIXED pattern with a non-empty name ({@code kafka-cluster} for the cluster, never a
 * PREFIXED {@code *}), a concrete operation, ALLOW or DENY, and a {@code Type:name} principal; each is
 * INVALID_REQUEST otherwise. A binding that exists already succeeds without a record. A delete filter with an
 * UNKNOWN part is INVALID_REQUEST; every other filter deletes all the bindings it matches.
 */
final class AclChanges {
    static final String CLUSTER_NAME = "kafka-cluster";

    record CreatePlan(List<MetadataRecord> records, List<AclOutcome> outcomes) {
    }

    record DeletePlan(List<MetadataRecord> records, List<AclFilterResult> results) {
    }

    private AclChanges() {
    }

    static CreatePlan create(AclsImage current, List<NewAcl> bindings) {
        Set<AclRecord> existing = new HashSet<>();
        current.all().forEach(a -> existing.add(a.withoutId()));
        List<MetadataRecord> records = new ArrayList<>();
        List<AclOutcome> outcomes = new ArrayList<>();
        for (NewAcl binding : bindings) {
            try {
                validate(binding);
            } catch (InvalidRequestException e) {
                outcomes.add(new AclOutcome(Errors.INVALID_REQUEST, e.getMessage()));
                continue;
            }
            AclRecord acl = AclRecord.of(newId(current), binding);
            if (existing.add(acl.withoutId())) {
                records.add(acl);
            }
            outcomes.add(AclOutcome.OK);
        }
        return new CreatePlan(records, outcomes);
    }

    static DeletePlan delete(AclsImage current, List<AclBindingFilter> filters) {
        Map<Uuid, MetadataRecord> removals = new LinkedHashMap<>(); // two filters may match the same binding
        List<AclFilterResult> results = new ArrayList<>();
        for (AclBindingFilter filter : filters) {
            if (filter.patternFilter().isUnknown() || filter.entryFilter().isUnknown()) {
                String what = filter.patternFilter().isUnknown() ? "patternFilter" : "entryFilter";
                results.add(new AclFilterResult(new AclOutcome(Errors.INVALID_REQUEST, "Unknown " + what + "."),
                        List.of()));
                continue;
            }
            List<AclBinding> deleted = new ArrayList<>();
            for (AclRecord acl : current.all()) {
                AclBinding binding = acl.toBinding();
                if (filter.matches(binding)) {
                    deleted.add(binding);
                    removals.put(acl.id(), new RemoveAclRecord(acl.id()));
                }
            }
            results.add(new AclFilterResult(AclOutcome.OK, deleted));
        }
        return new DeletePlan(new ArrayList<>(removals.values()), results);
    }

    /** Kafka's checks of a binding to create; InvalidRequestException with Kafka's message. */
    static void validate(NewAcl acl) {
        ResourceType type = ResourceType.fromCode(acl.resourceType());
        if (type == ResourceType.ANY || type == ResourceType.UNKNOWN) {
            throw new InvalidRequestException("Invalid resourceType " + type);
        }
        PatternType pattern = PatternType.fromCode(acl.patternType());
        if (pattern != PatternType.LITERAL && pattern != PatternType.PREFIXED) {
            throw new InvalidRequestException("Invalid patternType " + pattern);
        }
        AclOperation operation = AclOperation.fromCode(acl.operation());
        if (operation == AclOperation.ANY || operation == AclOperation.UNKNOWN) {
            throw new InvalidRequestException("Invalid operation " + operation);
        }
        AclPermissionType permission = AclPermissionType.fromCode(acl.permission());
        if (permission != AclPermissionType.ALLOW && permission != AclPermissionType.DENY) {
            throw new InvalidRequestException("Invalid permissionType " + permission);
        }
        String name = acl.resourceName();
        if (name == null || name.isEmpty()) {
            throw new InvalidRequestException("Resource name should not be empty");
        }
        if (type == ResourceType.CLUSTER && !name.equals(CLUSTER_NAME)) {
            throw new InvalidRequestException("The only valid name for the CLUSTER resource is " + CLUSTER_NAME);
        }
        if (pattern == PatternType.PREFIXED && name.equals(ResourcePattern.WILDCARD_RESOURCE)) {
            throw new InvalidRequestException("A PREFIXED pattern cannot be the wildcard '*': use a LITERAL '*'");
        }
        String principal = acl.principal();
        int colon = principal == null ? -1 : principal.indexOf(':');
        if (colon <= 0 || colon == principal.length() - 1) {
            throw new InvalidRequestException("Could not parse principal from `" + principal + "` (no colon is "
                    + "present separating the principal type from the principal name)");
        }
        if (acl.host() == null || acl.host().isEmpty()) {
            throw new InvalidRequestException("Invalid empty host");
        }
    }

    private static Uuid newId(AclsImage current) {
        Uuid id;
        do {
            id = Uuid.randomUuid();
        } while (current.get(id) != null);
        return id;
    }
}
