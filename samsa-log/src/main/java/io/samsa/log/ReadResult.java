package io.samsa.log;

import java.nio.channels.FileChannel;
import java.util.List;

/**
 * A slice of one segment file holding whole batches, to be sent with {@code transferTo} without copying
 * through the heap. {@code sizeInBytes == 0} means nothing to read at this offset yet.
 * Immutable; the channel may be used from any thread (positional reads and transferTo only).
 *
 * @param channel        the segment's file channel (owned by the log; do not close)
 * @param position       byte position of the first batch
 * @param sizeInBytes    bytes of whole batches from position
 * @param logStartOffset log start offset at the time of the read
 * @param highWatermark  high watermark at the time of the read: what a Fetch response reports as such (a
 *                       consumer read stops there; see {@link FetchIsolation})
 * @param logEndOffset   log end offset at the time of the read (what a follower read may reach)
 * @param lastStableOffset last stable offset at the time of the read (what a read_committed read may reach, and
 *                       what a Fetch response reports as such)
 * @param abortedTransactions for a {@link FetchIsolation#TXN_COMMITTED} read, the aborted transactions that may
 *                       hold records of the returned batches (by marker offset); empty for other reads
 */
public record ReadResult(FileChannel channel, long position, int sizeInBytes, long logStartOffset,
                         long highWatermark, long logEndOffset, long lastStableOffset,
                         List<AbortedTxn> abortedTransactions) {
}
