package io.samsa.clients.consumer;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.common.config.ConfigException;

import io.samsa.clients.consumer.fetch.Fetcher;
import io.samsa.clients.core.ClientSettings;
import io.samsa.clients.consumer.state.ResetStrategy;

/**
 * The configuration values the consumer uses, read through Kafka's {@link ConsumerConfig} (same names, defaults
 * and validation). Only the classic group protocol is supported; {@code enable.auto.commit} is off without a
 * {@code group.id}, as in Kafka. Immutable; read once in the consumer's constructor.
 */
record ConsumerSettings(String groupId, String groupInstanceId, int maxPollRecords, int maxPollIntervalMs,
                        int sessionTimeoutMs, int heartbeatIntervalMs, boolean autoCommit, long autoCommitIntervalMs,
                        ResetStrategy reset, ClientSettings client, long defaultApiTimeoutMs, boolean allowAutoCreate,
                        String rack, Fetcher.Settings fetch, List<ConsumerPartitionAssignor> assignors) {

    static ConsumerSettings from(ConsumerConfig config, String clientId) {
        ClientSettings client = ClientSettings.from(config, clientId);
        String protocol = config.getString(ConsumerConfig.GROUP_PROTOCOL_CONFIG);
        if (!"classic".equalsIgnoreCase(protocol)) {
            throw new ConfigException(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol,
                    "SamsaConsumer supports the classic group protocol only");
        }
        String groupId = config.getString(ConsumerConfig.GROUP_ID_CONFIG);
        if (groupId != null && groupId.isEmpty()) {
            groupId = null;
        }
        boolean autoCommit = groupId != null && config.getBoolean(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG);
        String isolation = config.getString(ConsumerConfig.ISOLATION_LEVEL_CONFIG).toLowerCase(Locale.ROOT);
        byte isolationLevel = "read_committed".equals(isolation) ? (byte) 1 : (byte) 0;
        String rack = config.getString(ConsumerConfig.CLIENT_RACK_CONFIG);
        Fetcher.Settings fetch = new Fetcher.Settings(config.getInt(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG),
                config.getInt(ConsumerConfig.FETCH_MIN_BYTES_CONFIG), config.getInt(ConsumerConfig.FETCH_MAX_BYTES_CONFIG),
                config.getInt(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG), isolationLevel,
                rack == null || rack.isEmpty() ? null : rack, client.metadataMaxAgeMs());
        List<ConsumerPartitionAssignor> assignors = groupId == null ? List.of()
                : ConsumerPartitionAssignor.getAssignorInstances(
                        config.getList(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG),
                        Map.copyOf(withClientId(config.originals(), clientId)));
        return new ConsumerSettings(groupId, config.getString(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG),
                config.getInt(ConsumerConfig.MAX_POLL_RECORDS_CONFIG),
                config.getInt(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG),
                config.getInt(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG),
                config.getInt(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), autoCommit,
                config.getInt(ConsumerConfig.AUTO_COMMIT_INTERVAL_MS_CONFIG),
                ResetStrategy.parse(config.getString(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG)),
                client, config.getInt(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG),
                config.getBoolean(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG), rack, fetch, assignors);
    }

    long requestTimeoutMs() {
        return client.requestTimeoutMs();
    }

    long retryBackoffMs() {
        return client.retryBackoffMs();
    }

    private static Map<String, Object> withClientId(Map<String, Object> originals, String clientId) {
        Map<String, Object> m = new java.util.HashMap<>();
        originals.forEach((k, v) -> {
            if (k != null && v != null) {
                m.put(k, v);
            }
        });
        m.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        return m;
    }
}
