package io.samsa.metadata;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.message.AlterClientQuotasRequestData;
import org.apache.kafka.common.message.AlterClientQuotasResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;

import io.samsa.metadata.ControllerApi.QuotaOutcome;

/**
 * Client quota alterations and outcomes to and from the fields of Kafka's AlterClientQuotas messages, for the
 * broker's handler and the controller channel alike. An entity's (type, name) list becomes a map as Kafka's
 * {@code AlterClientQuotasRequest.entries()} makes it (a type named twice: the last name wins); an op with
 * {@code remove} set becomes a null value.
 */
public final class ClientQuotaMessages {
    private ClientQuotaMessages() {
    }

    public static List<ClientQuotaAlteration> alterations(AlterClientQuotasRequestData request) {
        List<ClientQuotaAlteration> entries = new ArrayList<>(request.entries().size());
        for (AlterClientQuotasRequestData.EntryData e : request.entries()) {
            Map<String, String> entity = new HashMap<>();
            e.entity().forEach(d -> entity.put(d.entityType(), d.entityName()));
            List<ClientQuotaAlteration.Op> ops = new ArrayList<>(e.ops().size());
            e.ops().forEach(op -> ops.add(new ClientQuotaAlteration.Op(op.key(), op.remove() ? null : op.value())));
            entries.add(new ClientQuotaAlteration(new ClientQuotaEntity(entity), ops));
        }
        return entries;
    }

    public static AlterClientQuotasRequestData request(List<ClientQuotaAlteration> entries, boolean validateOnly) {
        AlterClientQuotasRequestData request = new AlterClientQuotasRequestData().setValidateOnly(validateOnly);
        for (ClientQuotaAlteration a : entries) {
            AlterClientQuotasRequestData.EntryData e = new AlterClientQuotasRequestData.EntryData();
            a.entity().entries().forEach((type, name) -> e.entity().add(
                    new AlterClientQuotasRequestData.EntityData().setEntityType(type).setEntityName(name)));
            a.ops().forEach(op -> e.ops().add(new AlterClientQuotasRequestData.OpData().setKey(op.key())
                    .setValue(op.value() == null ? 0.0 : op.value()).setRemove(op.value() == null)));
            request.entries().add(e);
        }
        return request;
    }

    public static AlterClientQuotasResponseData response(Map<ClientQuotaEntity, QuotaOutcome> outcomes) {
        AlterClientQuotasResponseData response = new AlterClientQuotasResponseData();
        outcomes.forEach((entity, outcome) -> {
            AlterClientQuotasResponseData.EntryData e = new AlterClientQuotasResponseData.EntryData()
                    .setErrorCode(outcome.error().code()).setErrorMessage(outcome.message());
            entity.entries().forEach((type, name) -> e.entity().add(
                    new AlterClientQuotasResponseData.EntityData().setEntityType(type).setEntityName(name)));
            response.entries().add(e);
        });
        return response;
    }

    public static Map<ClientQuotaEntity, QuotaOutcome> outcomes(AlterClientQuotasResponseData response) {
        Map<ClientQuotaEntity, QuotaOutcome> outcomes = new LinkedHashMap<>();
        for (AlterClientQuotasResponseData.EntryData e : response.entries()) {
            Map<String, String> entity = new HashMap<>();
            e.entity().forEach(d -> entity.put(d.entityType(), d.entityName()));
            outcomes.put(new ClientQuotaEntity(entity), new QuotaOutcome(Errors.forCode(e.errorCode()),
                    e.errorMessage()));
        }
        return outcomes;
    }
}
