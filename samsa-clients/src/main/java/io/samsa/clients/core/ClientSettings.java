package io.samsa.clients.core;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.AbstractConfig;

/**
 * The settings every Samsa client shares, read through one of Kafka's config classes ({@code ProducerConfig},
 * {@code ConsumerConfig}, {@code AdminClientConfig}: same names, defaults and validation), with the
 * {@link ClientSecurity} ({@code security.protocol}, {@code ssl.*}, {@code sasl.*}) every connection uses.
 * Immutable.
 */
public record ClientSettings(String clientId, List<BootstrapServers.Address> bootstrap, long requestTimeoutMs,
                             long reconnectBackoffMs, long retryBackoffMs, long retryBackoffMaxMs,
                             long metadataMaxAgeMs, int sendBufferBytes, ClientSecurity security) {

    /** Reads the common settings; {@code clientId} is the id already chosen (a generated one if none was set). */
    public static ClientSettings from(AbstractConfig config, String clientId) {
        return new ClientSettings(clientId,
                BootstrapServers.parse(config.getList(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)),
                config.getInt(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG),
                config.getLong(CommonClientConfigs.RECONNECT_BACKOFF_MS_CONFIG),
                config.getLong(CommonClientConfigs.RETRY_BACKOFF_MS_CONFIG),
                config.getLong(CommonClientConfigs.RETRY_BACKOFF_MAX_MS_CONFIG),
                config.getLong(CommonClientConfigs.METADATA_MAX_AGE_CONFIG),
                config.getInt(CommonClientConfigs.SEND_BUFFER_CONFIG), ClientSecurity.from(config));
    }

    /**
     * A {@code Properties} as the {@code Map} Kafka's config classes take: string properties (defaults
     * included) first, then any other entries as they are.
     */
    public static Map<String, Object> toMap(Properties properties) {
        Map<String, Object> map = new HashMap<>();
        for (String name : properties.stringPropertyNames()) {
            map.put(name, properties.getProperty(name));
        }
        properties.forEach((k, v) -> map.putIfAbsent(String.valueOf(k), v));
        return map;
    }

    /** The same settings with another request timeout (the admin's per-call timeout). */
    public ClientSettings withRequestTimeoutMs(long ms) {
        return new ClientSettings(clientId, bootstrap, ms, reconnectBackoffMs, retryBackoffMs, retryBackoffMaxMs,
                metadataMaxAgeMs, sendBufferBytes, security);
    }
}
