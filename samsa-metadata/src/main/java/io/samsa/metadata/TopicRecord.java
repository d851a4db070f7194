package io.samsa.metadata;

import java.util.Objects;

import org.apache.kafka.common.Uuid;

/** A topic comes into existence under {@code name} with a topic id that no later topic of that name reuses. */
public record TopicRecord(String name, Uuid topicId) implements MetadataRecord {
    public TopicRecord {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(topicId, "topicId");
    }
}
