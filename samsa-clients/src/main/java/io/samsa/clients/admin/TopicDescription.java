package io.samsa.clients.admin;

import java.util.List;

import org.apache.kafka.common.Uuid;

/** A topic as the broker describes it, partitions in order, with each partition's log offsets. */
public record TopicDescription(String name, Uuid id, List<Partition> partitions) {

    /**
     * One partition: its leader (-1 when none), replicas and in-sync replicas by node id, and the offsets of
     * its first record ({@code logStartOffset}) and of the next record to be written ({@code logEndOffset});
     * -1 when the leader could not say.
     */
    public record Partition(int partition, int leader, List<Integer> replicas, List<Integer> isr,
                            long logStartOffset, long logEndOffset) {
        public long records() {
            return logStartOffset < 0 || logEndOffset < 0 ? -1 : logEndOffset - logStartOffset;
        }
    }
}
