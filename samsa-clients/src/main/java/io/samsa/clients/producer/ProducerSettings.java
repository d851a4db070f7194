package io.samsa.clients.producer;

import java.util.List;


import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigException;

import io.samsa.clients.producer.sender.Sender;

/**
 * The configuration values the producer uses, read from Kafka's {@link ProducerConfig} (same names, defaults
 * and validation), including Kafka's rule for idempotence: on by default, off silently when acks != all or
 * retries = 0 unless the user asked for it explicitly (then those combinations are a ConfigException).
 */
record ProducerSettings(int batchSize, long bufferMemory, long maxBlockMs, int maxRequestSize, String compressionType,
                        Integer compressionLevel, long reconnectBackoffMs, int sendBuffer, Sender.Settings sender) {

    static ProducerSettings from(ProducerConfig config) {
        String acksValue = config.getString(ProducerConfig.ACKS_CONFIG).trim();
        short acks = "all".equalsIgnoreCase(acksValue) ? (short) -1 : Short.parseShort(acksValue);
        int retries = config.getInt(ProducerConfig.RETRIES_CONFIG);
        int maxInFlight = config.getInt(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION);
        boolean explicit = config.originals().containsKey(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG);
        boolean idempotent = config.getBoolean(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG);
        if (idempotent && (acks != -1 || retries == 0 || maxInFlight > 5)) {
            if (explicit) {
                throw new ConfigException("enable.idempotence=true requires acks=all, retries > 0 and "
                        + "max.in.flight.requests.per.connection <= 5");
            }
            idempotent = false;
        }
        String compression = config.getString(ProducerConfig.COMPRESSION_TYPE_CONFIG);
        Integer level = switch (compression) {
            case "gzip" -> config.getInt(ProducerConfig.COMPRESSION_GZIP_LEVEL_CONFIG);
            case "lz4" -> config.getInt(ProducerConfig.COMPRESSION_LZ4_LEVEL_CONFIG);
            case "zstd" -> config.getInt(ProducerConfig.COMPRESSION_ZSTD_LEVEL_CONFIG);
            default -> null;
        };
        long lingerMs = config.getLong(ProducerConfig.LINGER_MS_CONFIG);
        long requestTimeoutMs = config.getInt(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG);
        long deliveryTimeoutMs = config.getInt(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG);
        // Kafka's rule: a batch must be able to linger and then wait a whole request timeout before it expires.
        if (deliveryTimeoutMs < lingerMs + requestTimeoutMs) {
            if (config.originals().containsKey(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG)) {
                throw new ConfigException(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG + " should be equal to or larger than "
                        + ProducerConfig.LINGER_MS_CONFIG + " + " + ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG);
            }
            deliveryTimeoutMs = lingerMs + requestTimeoutMs;
        }
        List<String> bootstrap = config.getList(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG);
        Sender.Settings sender = new Sender.Settings(acks, maxInFlight, requestTimeoutMs, deliveryTimeoutMs,
                lingerMs, retries, config.getLong(ProducerConfig.RETRY_BACKOFF_MS_CONFIG),
                config.getLong(ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG),
                config.getInt(ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
                config.getLong(ProducerConfig.METADATA_MAX_AGE_CONFIG), idempotent, bootstrap);
        return new ProducerSettings(config.getInt(ProducerConfig.BATCH_SIZE_CONFIG),
                config.getLong(ProducerConfig.BUFFER_MEMORY_CONFIG), config.getLong(ProducerConfig.MAX_BLOCK_MS_CONFIG),
                config.getInt(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), compression, level,
                config.getLong(ProducerConfig.RECONNECT_BACKOFF_MS_CONFIG),
                config.getInt(ProducerConfig.SEND_BUFFER_CONFIG), sender);
    }

}
