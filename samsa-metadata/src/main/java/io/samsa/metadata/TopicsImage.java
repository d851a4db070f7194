package io.samsa.metadata;

import java.util.Collection;
import java.util.Map;

import org.apache.kafka.common.Uuid;

/** Every topic by name and by id, and their partitions in total (what {@code max.partitions} limits). */
public record TopicsImage(Map<String, TopicImage> byName, Map<Uuid, TopicImage> byId, int totalPartitions) {
    public static final TopicsImage EMPTY = new TopicsImage(Map.of(), Map.of(), 0);

    public TopicsImage {
        byName = Map.copyOf(byName);
        byId = Map.copyOf(byId);
    }

    public TopicImage get(String name) {
        return byName.get(name);
    }

    public TopicImage get(Uuid id) {
        return byId.get(id);
    }

    public Collection<TopicImage> all() {
        return byName.values();
    }
}
