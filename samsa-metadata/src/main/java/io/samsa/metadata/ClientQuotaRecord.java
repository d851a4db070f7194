package io.samsa.metadata;

import java.util.Collections;
import java.util.HashMap;
import java.util.Objects;

import org.apache.kafka.common.quota.ClientQuotaEntity;

/**
 * One client quota key of one entity set or removed (Kafka's ClientQuotaRecord): the entity is a user, a client
 * id, or both, each with a name or null for the default of its type, as in Kafka's {@link ClientQuotaEntity}.
 *
 * @param key    a quota key such as {@code producer_byte_rate}
 * @param value  the quota; ignored (0) for a removal
 * @param remove the key is removed from the entity; an entity without keys left is gone
 */
public record ClientQuotaRecord(ClientQuotaEntity entity, String key, double value, boolean remove)
        implements MetadataRecord {
    public ClientQuotaRecord {
        Objects.requireNonNull(entity, "entity");
        Objects.requireNonNull(key, "key");
        // ClientQuotaEntity keeps the map it is given: a copy, so the record stays as written.
        entity = new ClientQuotaEntity(Collections.unmodifiableMap(new HashMap<>(entity.entries())));
        if (remove) {
            value = 0;
        }
    }

    public static ClientQuotaRecord set(ClientQuotaEntity entity, String key, double value) {
        return new ClientQuotaRecord(entity, key, value, false);
    }

    public static ClientQuotaRecord removal(ClientQuotaEntity entity, String key) {
        return new ClientQuotaRecord(entity, key, 0, true);
    }
}
