package io.samsa.clients.producer;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigException;

import io.samsa.clients.core.ClientSettings;
import io.samsa.clients.producer.sender.Sender;

/**
 * The configuration values the producer uses, read from Kafka's {@link ProducerConfig} (same names, defaults
 * and validation), including Kafka's rule for idempotence: on by default, off silently when acks != all or
 * retries = 0 unless the user asked for it explicitly (then those combinations are a ConfigException).
 * Immutable; read once in the producer's constructor.
 */
record ProducerSettings(ClientSettings client, int batchSize, long bufferMemory, long maxBlockMs, int maxRequestSize,
                        String compressionType, Integer compressionLevel, Sender.Settings sender,
                        String transactionalId, int transactionTimeoutMs) {

    static ProducerSettings from(ProducerConfig config, String clientId) {
        ClientSettings client = ClientSettings.from(config, clientId);
        String acksValue = config.getString(ProducerConfig.ACKS_CONFIG).trim();
        short acks = "all".equalsIgnoreCase(acksValue) ? (short) -1 : Short.parseShort(acksValue);
        int retries = config.getInt(ProducerConfig.RETRIES_CONFIG);
        int maxInFlight = config.getInt(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION);
        boolean explicit = config.originals().containsKey(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG);
        boolean idempotent = config.getBoolean(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG);
        String transactionalId = config.getString(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        if (transactionalId != null && (!idempotent || acks != -1 || retries == 0 || maxInFlight > 5)) {
            throw new ConfigException("Cannot set a " + ProducerConfig.TRANSACTIONAL_ID_CONFIG + " without also "
                    + "enabling idempotence (acks=all, retries > 0, max.in.flight.requests.per.connection <= 5)");
        }
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
        long requestTimeoutMs = client.requestTimeoutMs();
        long deliveryTimeoutMs = config.getInt(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG);
        // Kafka's rule: a batch must be able to linger and then wait a whole request timeout before it expires.
        if (deliveryTimeoutMs < lingerMs + requestTimeoutMs) {
            if (config.originals().containsKey(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG)) {
                throw new ConfigException(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG + " should be equal to or larger than "
                        + ProducerConfig.LINGER_MS_CONFIG + " + " + ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG);
            }
            deliveryTimeoutMs = lingerMs + requestTimeoutMs;
        }
        Sender.Settings sender = new Sender.Settings(acks, maxInFlight, requestTimeoutMs, deliveryTimeoutMs,
                lingerMs, retries, client.retryBackoffMs(), client.retryBackoffMaxMs(),
                config.getInt(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), client.metadataMaxAgeMs(), idempotent);
        return new ProducerSettings(client, config.getInt(ProducerConfig.BATCH_SIZE_CONFIG),
                config.getLong(ProducerConfig.BUFFER_MEMORY_CONFIG), config.getLong(ProducerConfig.MAX_BLOCK_MS_CONFIG),
                config.getInt(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), compression, level, sender,
                transactionalId, config.getInt(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG));
    }

}
