package io.samsa.broker.api;

import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ApiVersionsResponseData.FinalizedFeatureKey;
import org.apache.kafka.common.message.ApiVersionsResponseData.SupportedFeatureKey;

/**
 * The feature flags ApiVersions reports (KIP-584), as a Kafka 4.x broker does: the levels of each feature Samsa
 * supports, and the cluster-wide finalized levels with their epoch. Constant: Samsa has no UpdateFeatures, so the
 * finalized levels are the ones it implements, and a feature finalized at level 0 is left out, as Kafka leaves it out.
 *
 * <ul>
 *   <li>{@code metadata.version}: 3.3-IV3 (7, the oldest Kafka 4.x accepts) to 4.0-IV3 (25), finalized at 4.0-IV3,
 *       Kafka 4.0's default;</li>
 *   <li>{@code kraft.version} 0 (static voters, no KIP-853), {@code group.version} 0 (the classic group protocol
 *       only, no KIP-848): supported at 0 only;</li>
 *   <li>{@code transaction.version} 0 to 2 (KIP-890), finalized at the level the broker is given: at 2,
 *       kafka-clients 4.x producers use transaction version 2 (partitions added by their leaders, an epoch bump per
 *       transaction); at 0 they use version 1, as older clients always do.</li>
 * </ul>
 */
public final class BrokerFeatures {
    public static final String METADATA_VERSION = "metadata.version";
    public static final String TRANSACTION_VERSION = "transaction.version";
    /** 3.3-IV3, the oldest metadata.version a Kafka 4.x broker runs. */
    public static final short METADATA_VERSION_MIN = 7;
    /** 4.0-IV3. */
    public static final short METADATA_VERSION_LEVEL = 25;

    /** Name → {min, max} supported level, sorted by name. */
    private static final Map<String, short[]> SUPPORTED = new TreeMap<>(Map.of(
            METADATA_VERSION, new short[] {METADATA_VERSION_MIN, METADATA_VERSION_LEVEL},
            "kraft.version", new short[] {0, 0},
            "group.version", new short[] {0, 0},
            TRANSACTION_VERSION, new short[] {0, 2}));

    /** Name → finalized level; only the levels above 0. */
    private static final Map<String, Short> FINALIZED = Map.of(METADATA_VERSION, METADATA_VERSION_LEVEL);

    private BrokerFeatures() {
    }

    /**
     * Adds the features to an ApiVersions response of {@code version} (the fields exist from v3). Below v4 a supported
     * feature whose minimum is 0 is left out, as Kafka does: clients before 3.9 reject such a range (KAFKA-17011).
     */
    public static ApiVersionsResponseData addTo(ApiVersionsResponseData response, short version, long epoch) {
        return addTo(response, version, epoch, (short) 0);
    }

    /** As {@link #addTo(ApiVersionsResponseData, short, long)}, with transaction.version finalized at a level. */
    public static ApiVersionsResponseData addTo(ApiVersionsResponseData response, short version, long epoch,
                                                short transactionVersion) {
        if (version < 3) {
            return response;
        }
        SUPPORTED.forEach((name, range) -> {
            if (version >= 4 || range[0] != 0) {
                response.supportedFeatures().add(new SupportedFeatureKey().setName(name).setMinVersion(range[0])
                        .setMaxVersion(range[1]));
            }
        });
        FINALIZED.forEach((name, level) -> response.finalizedFeatures().add(new FinalizedFeatureKey().setName(name)
                .setMinVersionLevel(level).setMaxVersionLevel(level)));
        if (transactionVersion > 0) {
            response.finalizedFeatures().add(new FinalizedFeatureKey().setName(TRANSACTION_VERSION)
                    .setMinVersionLevel(transactionVersion).setMaxVersionLevel(transactionVersion));
        }
        return response.setFinalizedFeaturesEpoch(epoch);
    }
}
