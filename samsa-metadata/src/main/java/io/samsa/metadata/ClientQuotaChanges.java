package io.samsa.metadata;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;

import io.samsa.metadata.ControllerApi.QuotaOutcome;

/**
 * Turns an AlterClientQuotas request into records and a per-entity outcome, with Kafka's controller rules and
 * messages (its ClientQuotaControlManager): an entity is a user, a client id or both, never empty, never an empty
 * name (null is the default); a key set twice in one entity, or an entity named twice in one request, is
 * INVALID_REQUEST; a value is a known key's, greater than 0, and whole for a LONG key. A null value removes the
 * key (nothing to write if it is absent); only a changed value is written. A failed entity's changes are not
 * written; the other entities' are. Samsa accepts only the quotas it enforces: the {@code ip} entity
 * ({@code connection_creation_rate}) and {@code controller_mutation_rate} are refused rather than stored and ignored.
 */
final class ClientQuotaChanges {
    /** The quota keys Samsa enforces, and whether each holds a whole number (Kafka's LONG) or a DOUBLE. */
    static final Map<String, Boolean> KEYS_WHOLE = Map.of(
            "producer_byte_rate", true,
            "consumer_byte_rate", true,
            "request_percentage", false);
    static final String CONTROLLER_MUTATION_RATE = "controller_mutation_rate";

    record Plan(List<MetadataRecord> records, Map<ClientQuotaEntity, QuotaOutcome> outcomes) {
    }

    private ClientQuotaChanges() {
    }

    static Plan plan(ClientQuotasImage current, List<ClientQuotaAlteration> entries) {
        Map<ClientQuotaEntity, List<MetadataRecord>> accepted = new LinkedHashMap<>();
        Map<ClientQuotaEntity, QuotaOutcome> outcomes = new LinkedHashMap<>();
        for (ClientQuotaAlteration entry : entries) {
            ClientQuotaEntity entity = entry.entity();
            Map<String, Double> ops = new LinkedHashMap<>(); // a null value: remove the key
            boolean duplicateKey = false;
            for (ClientQuotaAlteration.Op op : entry.ops()) {
                duplicateKey |= ops.containsKey(op.key());
                ops.putIfAbsent(op.key(), op.value());
            }
            if (duplicateKey || outcomes.containsKey(entity)) {
                // Kafka's text for both: its duplicate-key message is overwritten by this one before it is sent.
                accepted.remove(entity);
                outcomes.put(entity, new QuotaOutcome(Errors.INVALID_REQUEST, "Ignoring duplicate entity " + entity));
                continue;
            }
            try {
                accepted.put(entity, records(current, entity, ops));
                outcomes.put(entity, QuotaOutcome.OK);
            } catch (InvalidRequestException e) {
                outcomes.put(entity, new QuotaOutcome(Errors.INVALID_REQUEST, e.getMessage()));
            }
        }
        List<MetadataRecord> records = new ArrayList<>();
        accepted.values().forEach(records::addAll);
        return new Plan(records, outcomes);
    }

    private static List<MetadataRecord> records(ClientQuotasImage current, ClientQuotaEntity entity,
                                                Map<String, Double> ops) {
        validateEntity(entity);
        List<MetadataRecord> records = new ArrayList<>();
        Map<String, Double> existing = current.quotas(entity);
        ops.forEach((key, value) -> {
            if (value == null) {
                if (existing.containsKey(key)) {
                    records.add(ClientQuotaRecord.removal(entity, key));
                }
                return;
            }
            validateValue(key, value);
            if (!Objects.equals(existing.get(key), value)) {
                records.add(ClientQuotaRecord.set(entity, key, value));
            }
        });
        return records;
    }

    /** Kafka's checks of an entity, in its order; Samsa refuses the {@code ip} entity it does not enforce. */
    static void validateEntity(ClientQuotaEntity entity) {
        if (entity.entries().isEmpty()) {
            throw new InvalidRequestException("Invalid empty client quota entity");
        }
        for (Map.Entry<String, String> e : entity.entries().entrySet()) {
            String type = e.getKey();
            if (ClientQuotaEntity.IP.equals(type)) {
                throw new InvalidRequestException("Samsa does not support IP quotas (the ip entity and "
                        + "connection_creation_rate) yet: only user and client-id quotas are enforced");
            }
            if (!ClientQuotaEntity.USER.equals(type) && !ClientQuotaEntity.CLIENT_ID.equals(type)) {
                throw new InvalidRequestException("Unhandled client quota entity type: " + type);
            }
            if (e.getValue() != null && e.getValue().isEmpty()) {
                throw new InvalidRequestException("Empty " + type + " not supported");
            }
        }
    }

    /** Kafka's checks of a value to set, with its messages. */
    static void validateValue(String key, double value) {
        if (CONTROLLER_MUTATION_RATE.equals(key)) {
            throw new InvalidRequestException("Samsa does not support the controller_mutation_rate quota yet: "
                    + "only producer_byte_rate, consumer_byte_rate and request_percentage are enforced");
        }
        Boolean whole = KEYS_WHOLE.get(key);
        if (whole == null) {
            throw new InvalidRequestException("Invalid configuration key " + key);
        }
        if (!(value > 0.0)) { // NaN too: it is not greater than 0, and no quota could compare against it
            throw new InvalidRequestException("Quota " + key + " must be greater than 0");
        }
        if (whole) {
            if (value > Long.MAX_VALUE) {
                throw new InvalidRequestException("Proposed value for " + key + " is too large for a LONG.");
            }
            if (Math.abs(value % 1.0) > 1e-6) {
                throw new InvalidRequestException(key + " cannot be a fractional value.");
            }
        }
    }
}
