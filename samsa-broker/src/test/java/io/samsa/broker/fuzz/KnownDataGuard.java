package io.samsa.broker.fuzz;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * The topics and groups whose data the fuzz test checks afterwards, and the one rule that keeps that check
 * meaningful: no request that may delete or rewrite them ({@link #DESTRUCTIVE}) names them, nor the internal topic
 * {@value #OFFSETS_TOPIC} that holds the known groups. Valid frames are
 * built without their names; a mutated or random frame that decodes to such a request is dropped.
 * Immutable, shared by all workers.
 */
final class KnownDataGuard {
    /**
     * APIs that delete topics or groups, move committed offsets, or change topic configs (a retention of 1 ms
     * deletes the data). Fuzzed with other names only.
     */
    static final Set<ApiKeys> DESTRUCTIVE = EnumSet.of(ApiKeys.DELETE_TOPICS, ApiKeys.DELETE_GROUPS,
            ApiKeys.OFFSET_COMMIT, ApiKeys.OFFSET_DELETE, ApiKeys.TXN_OFFSET_COMMIT, ApiKeys.DELETE_RECORDS,
            ApiKeys.ALTER_CONFIGS, ApiKeys.INCREMENTAL_ALTER_CONFIGS);

    /** The internal topic that holds the known groups' offsets (on a single node as in a cluster). */
    static final String OFFSETS_TOPIC = "__consumer_offsets";
    /** Besides {@link #DESTRUCTIVE}: new partitions of {@value #OFFSETS_TOPIC} move groups to other partitions. */
    static final Set<ApiKeys> OFFSETS_TOPIC_CHANGES = EnumSet.of(ApiKeys.CREATE_PARTITIONS);

    private final List<String> topics;
    private final List<Uuid> topicIds;
    private final List<String> groups;

    KnownDataGuard(List<String> topics, List<Uuid> topicIds, List<String> groups) {
        this.topics = List.copyOf(topics);
        this.topicIds = List.copyOf(topicIds);
        this.groups = List.copyOf(groups);
    }

    List<String> topics() {
        return topics;
    }

    List<Uuid> topicIds() {
        return topicIds;
    }

    List<String> groups() {
        return groups;
    }

    /**
     * Whether this request could delete or rewrite known data. Conservative: any mention of the known names'
     * prefix or of a known topic id anywhere in the message's text counts.
     */
    boolean threatens(ApiKeys key, ApiMessage body) {
        if (!DESTRUCTIVE.contains(key) && !OFFSETS_TOPIC_CHANGES.contains(key)) {
            return false;
        }
        String text = body.toString();
        if (text.contains(OFFSETS_TOPIC)) {
            return true; // the known groups live there: deleting it (Kafka allows that) or repartitioning it loses them
        }
        return DESTRUCTIVE.contains(key) && (text.contains(KnownData.NAME_PREFIX)
                || topicIds.stream().anyMatch(id -> text.contains(id.toString())));
    }
}
