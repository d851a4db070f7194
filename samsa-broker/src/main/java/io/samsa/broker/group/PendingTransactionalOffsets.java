package io.samsa.broker.group;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;

/**
 * Offsets committed inside producers' transactions (TxnOffsetCommit) that are written but whose transaction is
 * still open: they become the group's committed offsets when the COMMIT marker is replayed and are dropped on an
 * ABORT, as Kafka's coordinator keeps its pending transactional offsets. Meanwhile OffsetFetch answers the last
 * committed offset, or UNSTABLE_OFFSET_COMMIT to a consumer that asks for stable offsets (read_committed).
 * Coordinator thread only.
 */
final class PendingTransactionalOffsets {
    /** Producer id → (group, partition) → its newest offset in the open transaction, in the order written. */
    private final Map<Long, Map<GroupPartition, GroupMetadataRecord.Offset>> byProducer = new HashMap<>();

    private record GroupPartition(String groupId, TopicPartition partition) {
    }

    void add(long producerId, GroupMetadataRecord.Offset offset) {
        byProducer.computeIfAbsent(producerId, id -> new LinkedHashMap<>())
                .put(new GroupPartition(offset.groupId(), offset.partition()), offset);
    }

    /** Removes the producer's open transaction; answers its offsets in the order they were written. */
    List<GroupMetadataRecord.Offset> take(long producerId) {
        Map<GroupPartition, GroupMetadataRecord.Offset> open = byProducer.remove(producerId);
        return open == null ? List.of() : new ArrayList<>(open.values());
    }

    /** Whether an open transaction holds an offset of the group's partition. */
    boolean isPending(String groupId, TopicPartition partition) {
        GroupPartition key = new GroupPartition(groupId, partition);
        for (Map<GroupPartition, GroupMetadataRecord.Offset> open : byProducer.values()) {
            if (open.containsKey(key)) {
                return true;
            }
        }
        return false;
    }

    /** Producers with an open transaction here (tests, diagnostics). */
    int openTransactions() {
        return byProducer.size();
    }
}
