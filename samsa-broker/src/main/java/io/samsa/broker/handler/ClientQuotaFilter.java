package io.samsa.broker.handler;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.message.DescribeClientQuotasRequestData.ComponentData;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.requests.DescribeClientQuotasRequest;

/**
 * A DescribeClientQuotas filter with Kafka's rules (its ClientQuotasImage.describe): each component names a type
 * once, and matches it exactly (a name), as the default (null) or as any entity of that type ("specified", which
 * in Kafka includes the default). A non-strict filter matches entities that also have other types; a strict one
 * only entities with exactly the filter's types. A malformed filter is INVALID_REQUEST, an unknown entity type
 * UNSUPPORTED_VERSION, with Kafka's messages. Immutable.
 */
final class ClientQuotaFilter {
    private final Map<String, String> exact;
    private final Set<String> specified;
    private final boolean strict;

    private ClientQuotaFilter(Map<String, String> exact, Set<String> specified, boolean strict) {
        this.exact = exact;
        this.specified = specified;
        this.strict = strict;
    }

    static ClientQuotaFilter parse(List<ComponentData> components, boolean strict) {
        Map<String, String> exact = new HashMap<>();
        Set<String> specified = new HashSet<>();
        for (ComponentData c : components) {
            String type = c.entityType();
            if (type.isEmpty()) {
                throw new InvalidRequestException("Invalid empty entity type.");
            } else if (exact.containsKey(type) || specified.contains(type)) {
                throw new InvalidRequestException("Entity type " + type + " cannot appear more than once in the "
                        + "filter.");
            }
            if (!type.equals(ClientQuotaEntity.IP) && !type.equals(ClientQuotaEntity.USER)
                    && !type.equals(ClientQuotaEntity.CLIENT_ID)) {
                throw new UnsupportedVersionException("Unsupported entity type " + type);
            }
            switch (c.matchType()) {
                case DescribeClientQuotasRequest.MATCH_TYPE_EXACT -> {
                    if (c.match() == null) {
                        throw new InvalidRequestException("Request specified MATCH_TYPE_EXACT, but set match "
                                + "string to null.");
                    }
                    exact.put(type, c.match());
                }
                case DescribeClientQuotasRequest.MATCH_TYPE_DEFAULT -> {
                    if (c.match() != null) {
                        throw new InvalidRequestException("Request specified MATCH_TYPE_DEFAULT, but also "
                                + "specified a match string.");
                    }
                    exact.put(type, null);
                }
                case DescribeClientQuotasRequest.MATCH_TYPE_SPECIFIED -> {
                    if (c.match() != null) {
                        throw new InvalidRequestException("Request specified MATCH_TYPE_SPECIFIED, but also "
                                + "specified a match string.");
                    }
                    specified.add(type);
                }
                default -> throw new InvalidRequestException("Unknown match type " + c.matchType());
            }
        }
        boolean ip = has(exact, specified, ClientQuotaEntity.IP);
        if (ip && (has(exact, specified, ClientQuotaEntity.USER)
                || has(exact, specified, ClientQuotaEntity.CLIENT_ID))) {
            throw new InvalidRequestException("Invalid entity filter component combination. IP filter component "
                    + "should not be used with user or clientId filter component.");
        }
        return new ClientQuotaFilter(exact, specified, strict);
    }

    private static boolean has(Map<String, String> exact, Set<String> specified, String type) {
        return exact.containsKey(type) || specified.contains(type);
    }

    boolean matches(ClientQuotaEntity entity) {
        Map<String, String> entries = entity.entries();
        if (strict && entries.size() != exact.size() + specified.size()) {
            return false;
        }
        for (Map.Entry<String, String> e : exact.entrySet()) {
            if (!entries.containsKey(e.getKey()) || !Objects.equals(entries.get(e.getKey()), e.getValue())) {
                return false;
            }
        }
        return entries.keySet().containsAll(specified);
    }
}
