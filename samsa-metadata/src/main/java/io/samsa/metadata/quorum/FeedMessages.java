package io.samsa.metadata.quorum;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import io.samsa.metadata.MetadataRecord;
import io.samsa.metadata.MetadataRecordCodec;

/**
 * The bodies of the metadata feed ({@link MetadataFeed}), big-endian, inside {@link QuorumMessages}' FEED request
 * and OK reply:
 * <pre>
 * request   observerId:int32  fromOffset:int64 (the observer's image offset)  maxWaitMs:int32
 * reply     leaderId:int32 (-1: none known)  kind:int8
 *   kind 0 = BATCHES   latestOffset:int64  count:int32, then per batch  lastOffset:int64  length:int32  records
 *   kind 1 = SNAPSHOT  offset:int64  records (the whole image, to the end)
 * </pre>
 * Records are in {@link MetadataRecordCodec}'s form.
 */
final class FeedMessages {
    private static final byte BATCHES = 0;
    private static final byte SNAPSHOT = 1;

    /** One committed batch and the offset of its last record. */
    record Batch(List<MetadataRecord> records, long lastOffset) {
    }

    /** A decoded reply: either {@code batches} (possibly none) or a {@code snapshot} image at {@code offset}. */
    record Reply(int leaderId, List<Batch> batches, List<MetadataRecord> snapshot, long offset) {
        boolean isSnapshot() {
            return snapshot != null;
        }
    }

    private FeedMessages() {
    }

    static byte[] request(int observerId, long fromOffset, int maxWaitMs) {
        return ByteBuffer.allocate(16).putInt(observerId).putLong(fromOffset).putInt(maxWaitMs).array();
    }

    static int observerId(byte[] request) {
        return ByteBuffer.wrap(request).getInt(0);
    }

    static long fromOffset(byte[] request) {
        return ByteBuffer.wrap(request).getLong(4);
    }

    static int maxWaitMs(byte[] request) {
        return ByteBuffer.wrap(request).getInt(12);
    }

    static byte[] batches(int leaderId, List<Batch> batches, long latestOffset) {
        List<byte[]> encoded = new ArrayList<>(batches.size());
        int size = 4 + 1 + 8 + 4;
        for (Batch b : batches) {
            byte[] records = MetadataRecordCodec.encode(b.records());
            encoded.add(records);
            size += 8 + 4 + records.length;
        }
        ByteBuffer buf = ByteBuffer.allocate(size).putInt(leaderId).put(BATCHES).putLong(latestOffset)
                .putInt(batches.size());
        for (int i = 0; i < batches.size(); i++) {
            buf.putLong(batches.get(i).lastOffset()).putInt(encoded.get(i).length).put(encoded.get(i));
        }
        return buf.array();
    }

    static byte[] snapshot(int leaderId, List<MetadataRecord> records, long offset) {
        byte[] encoded = MetadataRecordCodec.encode(records);
        return ByteBuffer.allocate(4 + 1 + 8 + encoded.length).putInt(leaderId).put(SNAPSHOT).putLong(offset)
                .put(encoded).array();
    }

    static Reply reply(byte[] body) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(body);
        int leaderId = buf.getInt();
        byte kind = buf.get();
        long offset = buf.getLong();
        if (kind == SNAPSHOT) {
            return new Reply(leaderId, List.of(), MetadataRecordCodec.decode(buf.slice()), offset);
        }
        if (kind != BATCHES) {
            throw new IOException("Unknown metadata feed reply kind " + kind);
        }
        int count = buf.getInt();
        List<Batch> batches = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long lastOffset = buf.getLong();
            int length = buf.getInt();
            ByteBuffer records = buf.slice().limit(length);
            batches.add(new Batch(MetadataRecordCodec.decode(records), lastOffset));
            buf.position(buf.position() + length);
        }
        return new Reply(leaderId, batches, null, offset);
    }
}
