package io.samsa.clients.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.quota.ClientQuotaFilter;
import org.junit.jupiter.api.Test;

import io.samsa.clients.admin.QuotaEntity;
import io.samsa.clients.admin.SamsaAdmin;

/**
 * SamsaAdmin's client-quota calls (KIP-546) against any Kafka-compatible broker (a subclass supplies it and the
 * admin), checked with stock Admin.
 */
abstract class QuotaAdminContract {
    abstract String bootstrap();

    abstract SamsaAdmin admin();

    @Test
    void setsListsAndRemovesQuotasAsKafkasAdminSeesThem() throws Exception {
        QuotaEntity limited = QuotaEntity.clientId("limited");
        QuotaEntity aliceApp = QuotaEntity.user("alice").and(QuotaEntity.defaultClientId());
        admin().alterQuotas(limited, Map.of("producer_byte_rate", 1048576.0, "consumer_byte_rate", 2097152.0),
                List.of());
        admin().alterQuotas(aliceApp, Map.of("request_percentage", 12.5), List.of());
        admin().alterQuotas(QuotaEntity.defaultUser(), Map.of("producer_byte_rate", 5e6), List.of());

        awaitQuotas(admin(), QuotaEntity.defaultUser(), Map.of("producer_byte_rate", 5e6));
        Map<QuotaEntity, Map<String, Double>> all = admin().listQuotas();
        assertThat(all).containsEntry(limited, Map.of("consumer_byte_rate", 2097152.0,
                        "producer_byte_rate", 1048576.0))
                .containsEntry(aliceApp, Map.of("request_percentage", 12.5))
                .containsEntry(QuotaEntity.defaultUser(), Map.of("producer_byte_rate", 5e6));
        assertThat(admin().describeQuotas(QuotaEntity.user("alice"))).as("strict: alice alone has none").isEmpty();
        assertThat(admin().describeQuotas(aliceApp)).isEqualTo(Map.of("request_percentage", 12.5));
        assertThat(aliceApp.toString()).isEqualTo("client-id=<default>, user=alice");

        try (Admin kafka = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap()))) {
            Map<ClientQuotaEntity, Map<String, Double>> seen = kafka.describeClientQuotas(ClientQuotaFilter.all())
                    .entities().get(20, TimeUnit.SECONDS);
            assertThat(seen.get(new ClientQuotaEntity(Map.of("client-id", "limited"))))
                    .containsEntry("producer_byte_rate", 1048576.0);
            Map<String, String> parts = new HashMap<>();
            parts.put("user", "alice");
            parts.put("client-id", null);
            assertThat(seen.get(new ClientQuotaEntity(parts))).isEqualTo(Map.of("request_percentage", 12.5));

            // removing a key that is not set (request_percentage) is no error, as with Kafka
            admin().alterQuotas(limited, Map.of(), List.of("consumer_byte_rate", "request_percentage"));
            awaitQuotas(admin(), limited, Map.of("producer_byte_rate", 1048576.0));
            assertThatThrownBy(() -> admin().alterQuotas(limited, Map.of("bytes_per_fortnight", 1.0), List.of()))
                    .isInstanceOf(InvalidRequestException.class);

            admin().alterQuotas(limited, Map.of(), List.of("producer_byte_rate"));
            admin().alterQuotas(aliceApp, Map.of(), List.of("request_percentage"));
            admin().alterQuotas(QuotaEntity.defaultUser(), Map.of(), List.of("producer_byte_rate"));
            awaitQuotas(admin(), QuotaEntity.defaultUser(), Map.of());
            assertThat(admin().listQuotas()).isEmpty();
            assertThat(kafka.describeClientQuotas(ClientQuotaFilter.all()).entities().get(20, TimeUnit.SECONDS))
                    .isEmpty();
        }
    }

    /**
     * Waits until the broker describes {@code entity} with {@code expected}: a broker answers from its metadata
     * cache, which follows the controller's commit a moment later (Apache Kafka; Samsa answers at once).
     */
    static void awaitQuotas(SamsaAdmin admin, QuotaEntity entity, Map<String, Double> expected)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + 15_000;
        while (!admin.describeQuotas(entity).equals(expected) && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertThat(admin.describeQuotas(entity)).as("quotas of " + entity).isEqualTo(expected);
    }
}
