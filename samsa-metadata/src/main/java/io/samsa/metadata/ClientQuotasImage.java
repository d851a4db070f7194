package io.samsa.metadata;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.common.quota.ClientQuotaEntity;

/**
 * Every client quota (KIP-546): for each entity (a user, a client id, a user and client id, or the default of
 * either — a null name in the entity's map, as in Kafka's {@link ClientQuotaEntity}) its quota keys
 * ({@code producer_byte_rate}, {@code consumer_byte_rate}, {@code request_percentage}: the ones Samsa enforces
 * and so accepts) and values. An entity without keys is not kept. Immutable, so the quota
 * managers read it from any thread without a lock.
 */
public record ClientQuotasImage(Map<ClientQuotaEntity, Map<String, Double>> byEntity) {
    public static final ClientQuotasImage EMPTY = new ClientQuotasImage(Map.of());

    public ClientQuotasImage {
        // ClientQuotaEntity allows null names (defaults); its equals/hashCode are over the map, so HashMap keys work.
        Map<ClientQuotaEntity, Map<String, Double>> copy = new HashMap<>();
        byEntity.forEach((entity, quotas) -> {
            if (!quotas.isEmpty()) {
                copy.put(entity, Map.copyOf(quotas));
            }
        });
        byEntity = Map.copyOf(copy);
    }

    /** The entity's quota value for the key, or null if it has none. */
    public Double get(ClientQuotaEntity entity, String key) {
        Map<String, Double> quotas = byEntity.get(entity);
        return quotas == null ? null : quotas.get(key);
    }

    /** The entity's quotas; empty if it has none. */
    public Map<String, Double> quotas(ClientQuotaEntity entity) {
        return byEntity.getOrDefault(entity, Map.of());
    }

    public boolean isEmpty() {
        return byEntity.isEmpty();
    }
}
