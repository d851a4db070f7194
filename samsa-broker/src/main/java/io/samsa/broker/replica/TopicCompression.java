package io.samsa.broker.replica;

import java.nio.ByteBuffer;

import io.samsa.broker.topic.TopicInfo;
import io.samsa.protocol.records.BatchCompressor;
import io.samsa.protocol.records.BatchRecompressor;

/**
 * The topic-level {@code compression.type} on the leader's append, as Kafka applies it: {@code producer} (the
 * default) keeps the producer's codec; any other value stores every produced batch in that codec
 * ({@code uncompressed}: none), at the topic's {@code compression.<codec>.level} when it sets one. Followers copy
 * the leader's bytes and never convert.
 */
final class TopicCompression {
    /** A batch that decompresses to more than this many times max.message.bytes (≥ 1 MiB) is kept as produced. */
    private static final int MAX_EXPANSION = 16;
    private static final int MIN_LIMIT_BASE = 1024 * 1024;

    private TopicCompression() {
    }

    /** {@code records} in the topic's codec (a new buffer), or as they are. */
    static ByteBuffer apply(TopicInfo topic, ByteBuffer records) {
        String type = topic.configOverrides().get("compression.type");
        if (type == null || type.trim().equals("producer")) {
            return records;
        }
        String codec = type.trim().equals("uncompressed") ? "none" : type.trim();
        String level = topic.configOverrides().get("compression." + codec + ".level");
        BatchCompressor target = BatchCompressor.of(codec, level == null ? null : Integer.valueOf(level.trim()));
        // (compression.type and the levels were validated when they were set: TopicConfigRules)
        long maxBytes = (long) Math.max(topic.logConfig().maxMessageBytes(), MIN_LIMIT_BASE) * MAX_EXPANSION;
        return BatchRecompressor.recompress(records, target, maxBytes);
    }
}
