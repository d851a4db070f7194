package io.samsa.broker.handler;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Facts about Kafka's topic configs that DescribeConfigs states: each one's type (ConfigEntry.ConfigType ids) and
 * its broker-level synonyms in Kafka's order of precedence ({@code retention.ms} ← {@code log.retention.ms},
 * {@code log.retention.minutes}, {@code log.retention.hours}), with the one that holds Kafka's default and that
 * default in the broker key's own unit ({@code log.retention.hours=168}).
 */
final class TopicConfigCatalog {
    static final byte BOOLEAN = 1;
    static final byte STRING = 2;
    static final byte INT = 3;
    static final byte LONG = 5;
    static final byte DOUBLE = 6;
    static final byte LIST = 7;

    /** A topic config: its type, broker synonyms (maybe none) and the default synonym (null: the first). */
    record Entry(byte type, List<String> brokerSynonyms, String defaultSynonym, String defaultInBrokerUnit) {
    }

    private static final Map<String, Entry> ENTRIES = new HashMap<>();

    static {
        def("segment.bytes", INT, "log.segment.bytes");
        ENTRIES.put("segment.ms", new Entry(LONG, List.of("log.roll.ms", "log.roll.hours"), "log.roll.hours", "168"));
        ENTRIES.put("segment.jitter.ms", new Entry(LONG, List.of("log.roll.jitter.ms", "log.roll.jitter.hours"),
                "log.roll.jitter.hours", "0"));
        def("segment.index.bytes", INT, "log.index.size.max.bytes");
        def("flush.messages", LONG, "log.flush.interval.messages");
        def("flush.ms", LONG, "log.flush.interval.ms");
        def("retention.bytes", LONG, "log.retention.bytes");
        ENTRIES.put("retention.ms", new Entry(LONG, List.of("log.retention.ms", "log.retention.minutes",
                "log.retention.hours"), "log.retention.hours", "168"));
        def("max.message.bytes", INT, "message.max.bytes");
        def("index.interval.bytes", INT, "log.index.interval.bytes");
        def("delete.retention.ms", LONG, "log.cleaner.delete.retention.ms");
        def("min.compaction.lag.ms", LONG, "log.cleaner.min.compaction.lag.ms");
        def("max.compaction.lag.ms", LONG, "log.cleaner.max.compaction.lag.ms");
        def("file.delete.delay.ms", LONG, "log.segment.delete.delay.ms");
        def("min.cleanable.dirty.ratio", DOUBLE, "log.cleaner.min.cleanable.ratio");
        def("cleanup.policy", LIST, "log.cleanup.policy");
        def("unclean.leader.election.enable", BOOLEAN, "unclean.leader.election.enable");
        def("min.insync.replicas", INT, "min.insync.replicas");
        def("compression.type", STRING, "compression.type");
        def("compression.gzip.level", INT, "compression.gzip.level");
        def("compression.lz4.level", INT, "compression.lz4.level");
        def("compression.zstd.level", INT, "compression.zstd.level");
        def("preallocate", BOOLEAN, "log.preallocate");
        def("message.timestamp.type", STRING, "log.message.timestamp.type");
        def("message.timestamp.before.max.ms", LONG, "log.message.timestamp.before.max.ms");
        def("message.timestamp.after.max.ms", LONG, "log.message.timestamp.after.max.ms");
        def("message.timestamp.difference.max.ms", LONG, "log.message.timestamp.difference.max.ms");
        def("message.downconversion.enable", BOOLEAN, "log.message.downconversion.enable");
        def("message.format.version", STRING, "log.message.format.version");
        def("local.retention.ms", LONG, "log.local.retention.ms");
        def("local.retention.bytes", LONG, "log.local.retention.bytes");
        def("remote.storage.enable", BOOLEAN);
        def("remote.log.copy.disable", BOOLEAN);
        def("remote.log.delete.on.disable", BOOLEAN);
        def("follower.replication.throttled.replicas", LIST);
        def("leader.replication.throttled.replicas", LIST);
    }

    private TopicConfigCatalog() {
    }

    private static void def(String name, byte type, String... synonyms) {
        ENTRIES.put(name, new Entry(type, List.of(synonyms), null, null));
    }

    /** The entry of a topic config; an unknown name gets type UNKNOWN (0) and no synonyms. */
    static Entry of(String name) {
        return ENTRIES.getOrDefault(name, new Entry((byte) 0, List.of(), null, null));
    }
}
