package io.samsa.metadata;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.Uuid;

/**
 * Every ACL binding, by id, and the same bindings grouped by resource type: an authorization check reads only the
 * bindings of its resource's type. Immutable, so the authorizer reads it from any thread without a lock.
 */
public record AclsImage(Map<Uuid, AclRecord> byId, Map<Byte, List<AclRecord>> byResourceType) {
    public static final AclsImage EMPTY = new AclsImage(Map.of());

    public AclsImage(Map<Uuid, AclRecord> byId) {
        this(Map.copyOf(byId), group(byId.values()));
    }

    public AclsImage {
        byId = Map.copyOf(byId);
        byResourceType = Map.copyOf(byResourceType);
    }

    private static Map<Byte, List<AclRecord>> group(Collection<AclRecord> acls) {
        Map<Byte, List<AclRecord>> byType = new HashMap<>();
        acls.forEach(a -> byType.computeIfAbsent(a.resourceType(), t -> new ArrayList<>()).add(a));
        byType.replaceAll((t, list) -> List.copyOf(list));
        return byType;
    }

    public Collection<AclRecord> all() {
        return byId.values();
    }

    /** The bindings on resources of this type (Kafka's {@code ResourceType} code). */
    public List<AclRecord> ofType(byte resourceType) {
        return byResourceType.getOrDefault(resourceType, List.of());
    }

    public AclRecord get(Uuid id) {
        return byId.get(id);
    }
}
