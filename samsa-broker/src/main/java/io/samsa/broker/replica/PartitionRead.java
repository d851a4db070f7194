package io.samsa.broker.replica;

import io.samsa.log.ReadResult;

/**
 * A fetch's read of one partition: the slice of whole batches to send ({@code records.sizeInBytes() == 0}: none,
 * and then its channel may be null) and the partition's offsets as the fetcher is told them.
 */
public record PartitionRead(ReadResult records, long highWatermark, long lastStableOffset, long logStartOffset) {
}
