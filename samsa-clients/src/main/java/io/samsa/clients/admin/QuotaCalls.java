package io.samsa.clients.admin;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.common.message.AlterClientQuotasRequestData;
import org.apache.kafka.common.message.AlterClientQuotasResponseData;
import org.apache.kafka.common.message.DescribeClientQuotasRequestData;
import org.apache.kafka.common.message.DescribeClientQuotasResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/**
 * The client-quota side of {@link SamsaAdmin} (KIP-546): DescribeClientQuotas and AlterClientQuotas on any
 * broker, which forwards alterations to the controller. Values are Kafka's: {@code producer_byte_rate} and
 * {@code consumer_byte_rate} in bytes per second, {@code request_percentage} in percent of one I/O thread, ...
 * Not thread-safe; {@link SamsaAdmin} serializes calls.
 */
final class QuotaCalls {
    /** DescribeClientQuotas' match types: a name exactly, or the type's default. */
    private static final byte MATCH_EXACT = 0;
    private static final byte MATCH_DEFAULT = 1;

    private final AdminChannel channel;

    QuotaCalls(AdminChannel channel) {
        this.channel = channel;
    }

    /**
     * Every entity with a quota ({@code entity} null), or only {@code entity} itself (an exact, strict match:
     * not the entities that merely include it); each with its quota values by key, sorted by key.
     */
    Map<QuotaEntity, Map<String, Double>> describe(QuotaEntity entity, long deadlineMs) {
        DescribeClientQuotasRequestData request = new DescribeClientQuotasRequestData().setStrict(entity != null);
        if (entity != null) {
            entity.parts().forEach((type, name) -> request.components().add(
                    new DescribeClientQuotasRequestData.ComponentData().setEntityType(type)
                            .setMatchType(name == null ? MATCH_DEFAULT : MATCH_EXACT)
                            .setMatch(name)));
        }
        DescribeClientQuotasResponseData r = channel.call(ApiKeys.DESCRIBE_CLIENT_QUOTAS, v -> request, deadlineMs);
        check(r.errorCode(), r.errorMessage(), entity);
        Map<QuotaEntity, Map<String, Double>> out = new LinkedHashMap<>();
        if (r.entries() == null) {
            return out;
        }
        for (DescribeClientQuotasResponseData.EntryData e : r.entries()) {
            Map<String, String> parts = new HashMap<>();
            e.entity().forEach(p -> parts.put(p.entityType(), p.entityName()));
            Map<String, Double> values = new TreeMap<>();
            e.values().forEach(v -> values.put(v.key(), v.value()));
            out.put(QuotaEntity.of(parts), values);
        }
        return out;
    }

    /** Sets {@code set}'s keys and removes {@code remove}'s in one request; the broker applies all or none. */
    void alter(QuotaEntity entity, Map<String, Double> set, Collection<String> remove, long deadlineMs) {
        List<AlterClientQuotasRequestData.EntityData> parts = new ArrayList<>();
        entity.parts().forEach((type, name) -> parts.add(
                new AlterClientQuotasRequestData.EntityData().setEntityType(type).setEntityName(name)));
        List<AlterClientQuotasRequestData.OpData> ops = new ArrayList<>();
        set.forEach((k, v) -> ops.add(new AlterClientQuotasRequestData.OpData().setKey(k).setValue(v)));
        remove.forEach(k -> ops.add(new AlterClientQuotasRequestData.OpData().setKey(k).setRemove(true)));
        AlterClientQuotasRequestData request = new AlterClientQuotasRequestData().setValidateOnly(false);
        request.entries().add(new AlterClientQuotasRequestData.EntryData().setEntity(parts).setOps(ops));
        AlterClientQuotasResponseData r = channel.call(ApiKeys.ALTER_CLIENT_QUOTAS, v -> request, deadlineMs);
        for (AlterClientQuotasResponseData.EntryData e : r.entries()) {
            check(e.errorCode(), e.errorMessage(), entity);
        }
    }

    private static void check(short errorCode, String message, QuotaEntity entity) {
        Errors error = Errors.forCode(errorCode);
        if (error != Errors.NONE) {
            String detail = message == null || message.isBlank() ? error.message() : message;
            throw error.exception(entity == null ? detail : "Quotas for " + entity + ": " + detail);
        }
    }
}
