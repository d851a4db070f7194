package io.samsa.metadata;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import org.apache.kafka.common.Uuid;

/** One topic in a {@link MetadataImage}: immutable, shared by every later image in which it does not change. */
public record TopicImage(String name, Uuid id, SortedMap<Integer, PartitionRecord> partitions) {
    public TopicImage {
        partitions = Collections.unmodifiableSortedMap(new TreeMap<>(partitions));
    }

    public int partitionCount() {
        return partitions.size();
    }

    public PartitionRecord partition(int partition) {
        return partitions.get(partition);
    }

    static TopicImage of(String name, Uuid id, Map<Integer, PartitionRecord> partitions) {
        return new TopicImage(name, id, new TreeMap<>(partitions));
    }
}
