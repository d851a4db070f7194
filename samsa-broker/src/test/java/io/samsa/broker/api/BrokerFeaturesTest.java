package io.samsa.broker.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.FeatureMetadata;
import org.apache.kafka.clients.admin.FinalizedVersionRange;
import org.apache.kafka.clients.admin.SupportedVersionRange;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.samsa.broker.SamsaBroker;
import io.samsa.broker.protocol.RawKafkaConnection;
import io.samsa.broker.testing.Clients;
import io.samsa.testkit.KafkaTool;

/**
 * The feature flags of ApiVersions as stock kafka-clients' Admin.describeFeatures and Kafka's own
 * {@code kafka-features describe} see them, and Kafka's rule that ApiVersions below v4 leaves out the supported
 * features whose minimum level is 0.
 */
class BrokerFeaturesTest {
    private static SamsaBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = SamsaBroker.startEmbedded();
    }

    @AfterAll
    static void stop() throws Exception {
        broker.close();
    }

    @Test
    void adminDescribesTheSupportedAndFinalizedFeatures() throws Exception {
        FeatureMetadata features;
        try (Admin admin = Clients.admin(broker.bootstrapServers())) {
            features = admin.describeFeatures().featureMetadata().get(30, TimeUnit.SECONDS);
        }
        assertThat(features.supportedFeatures()).containsOnlyKeys("metadata.version", "kraft.version",
                "group.version", "transaction.version");
        SupportedVersionRange mv = features.supportedFeatures().get("metadata.version");
        assertThat(mv.minVersion()).isEqualTo((short) 7);
        assertThat(mv.maxVersion()).isEqualTo((short) 25);
        assertThat(features.supportedFeatures().get("transaction.version").maxVersion()).isEqualTo((short) 2);
        assertThat(features.finalizedFeatures()).containsOnlyKeys("metadata.version", "transaction.version");
        assertThat(features.finalizedFeatures().get("transaction.version").maxVersionLevel()).isEqualTo((short) 2);
        FinalizedVersionRange finalized = features.finalizedFeatures().get("metadata.version");
        assertThat(finalized.minVersionLevel()).isEqualTo((short) 25);
        assertThat(finalized.maxVersionLevel()).isEqualTo((short) 25);
        assertThat(features.finalizedFeaturesEpoch()).hasValueSatisfying(e -> assertThat(e).isNotNegative());
    }

    @Test
    void kafkasOwnFeaturesToolPrintsThem() throws Exception {
        KafkaTool.Output out = KafkaTool.run("org.apache.kafka.tools.FeatureCommand", "--bootstrap-server",
                broker.bootstrapServers(), "describe");
        assertThat(out.exit()).as(out.text()).isZero();
        assertThat(out.text()).containsPattern("Feature: metadata.version\\s+SupportedMinVersion: 3.3-IV3\\s+"
                + "SupportedMaxVersion: 4.0-IV3\\s+FinalizedVersionLevel: 4.0-IV3")
                .containsPattern("Feature: transaction.version\\s+SupportedMinVersion: 0\\s+SupportedMaxVersion: 2"
                        + "\\s+FinalizedVersionLevel: 2");
    }

    @Test
    void belowV4FeaturesWhoseMinimumIsZeroAreLeftOut() throws Exception {
        try (RawKafkaConnection c = new RawKafkaConnection("127.0.0.1", broker.port(), 30_000)) {
            ApiVersionsRequestData req = new ApiVersionsRequestData().setClientSoftwareName("t")
                    .setClientSoftwareVersion("1");
            ApiVersionsResponseData v3 = (ApiVersionsResponseData) c.send(ApiKeys.API_VERSIONS, (short) 3, req);
            assertThat(v3.supportedFeatures()).extracting(ApiVersionsResponseData.SupportedFeatureKey::name)
                    .containsExactly("metadata.version");
            assertThat(v3.finalizedFeatures().find("metadata.version").maxVersionLevel()).isEqualTo((short) 25);
            ApiVersionsResponseData v4 = (ApiVersionsResponseData) c.send(ApiKeys.API_VERSIONS, (short) 4, req);
            assertThat(v4.supportedFeatures()).hasSize(4);
            assertThat(v4.finalizedFeaturesEpoch()).isNotNegative();
        }
    }
}
