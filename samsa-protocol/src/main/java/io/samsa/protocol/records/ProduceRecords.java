package io.samsa.protocol.records;

import java.nio.ByteBuffer;

import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.record.internal.MemoryRecords;

/**
 * Puts a partition's record batches into a Produce request. The generated {@code PartitionProduceData} holds
 * kafka-clients' internal records type; this keeps that type inside samsa-protocol. The bytes are wrapped,
 * not copied, so the producer's send path allocates nothing more than before. Thread-safe (stateless).
 */
public final class ProduceRecords {

    private ProduceRecords() {
    }

    /**
     * Sets {@code batches} (position..limit: whole v2 batches) as {@code partition}'s records; the buffer must
     * not change until the request is encoded. Returns {@code partition}, for chaining.
     */
    public static ProduceRequestData.PartitionProduceData set(ProduceRequestData.PartitionProduceData partition,
                                                              ByteBuffer batches) {
        return partition.setRecords(MemoryRecords.readableRecords(batches));
    }
}
