package io.samsa.metadata;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * One batch of records on disk, in the metadata log and (alone) in a snapshot, big-endian:
 * <pre>
 * length      int32   bytes after this field
 * crc         int32   CRC32C of every byte after this field
 * version     int8    1
 * lastOffset  int64   offset of the batch's last record (its first is lastOffset - count + 1)
 * records     the batch in {@link MetadataRecordCodec}'s form: count:int32 then each record
 * </pre>
 * A frame is all or nothing: a short or mismatching one reads as absent (a write cut short), while a frame
 * whose CRC holds but whose records do not decode is corruption, reported as an IOException.
 */
final class MetadataFrames {
    private static final byte VERSION = 1;
    private static final int HEADER = 4 + 4 + 1 + 8;
    /** Larger than any batch the controller writes (20,000 partitions); a bigger length is garbage. */
    private static final int MAX_FRAME = 256 << 20;

    private MetadataFrames() {
    }

    /** A decoded frame and its size on disk. */
    record Frame(List<MetadataRecord> records, long lastOffset, int size) {
    }

    static ByteBuffer encode(List<MetadataRecord> records, long lastOffset) {
        byte[] payload = MetadataRecordCodec.encode(records);
        ByteBuffer buf = ByteBuffer.allocate(HEADER + payload.length);
        buf.putInt(HEADER - 4 + payload.length).putInt(0).put(VERSION).putLong(lastOffset).put(payload);
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), 8, buf.capacity() - 8);
        buf.putInt(4, (int) crc.getValue());
        return buf.flip();
    }

    /** The frame at {@code position}, or null if it is incomplete or fails its CRC. */
    static Frame read(FileChannel ch, long position) throws IOException {
        ByteBuffer lengthBuf = ByteBuffer.allocate(4);
        if (!readFully(ch, lengthBuf, position)) {
            return null;
        }
        int length = lengthBuf.getInt(0);
        if (length < HEADER - 4 || length > MAX_FRAME || position + 4 + length > ch.size()) {
            return null;
        }
        ByteBuffer body = ByteBuffer.allocate(length);
        if (!readFully(ch, body, position + 4)) {
            return null;
        }
        CRC32C crc = new CRC32C();
        crc.update(body.array(), 4, length - 4);
        if (body.getInt(0) != (int) crc.getValue()) {
            return null;
        }
        if (body.get(4) != VERSION) {
            throw new IOException("Unknown metadata frame version " + body.get(4) + " at byte " + position);
        }
        long lastOffset = body.getLong(5);
        List<MetadataRecord> records = MetadataRecordCodec.decode(body.position(13));
        return new Frame(records, lastOffset, 4 + length);
    }

    private static boolean readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf, position + buf.position());
            if (n < 0) {
                return false;
            }
        }
        return true;
    }
}
