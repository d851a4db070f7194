package io.samsa.metadata.quorum;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32C;

import io.samsa.metadata.AtomicFileWriter;
import io.samsa.metadata.MetadataImage;
import io.samsa.metadata.MetadataRecord;
import io.samsa.metadata.MetadataRecordCodec;

/**
 * A snapshot of the metadata image, one file named by Ratis's {@code SimpleStateMachineStorage}
 * ({@code snapshot.<term>_<index>}, the Raft position it covers), big-endian:
 * <pre>
 * magic     int32  0x534D5351 ("SMSQ")
 * version   int8   1
 * offset    int64  the image's offset (its last batch; the Raft index may be later, past leader-change entries)
 * crc       int32  CRC32C of the records
 * records   {@link MetadataImage#toRecords()} in {@link MetadataRecordCodec}'s form
 * </pre>
 * Written whole and atomically by the broker's {@link AtomicFileWriter}; Ratis adds an MD5 file beside it, which
 * it also checks when it ships the snapshot to a follower.
 */
final class SnapshotFile {
    private static final int MAGIC = 0x534D5351;
    private static final byte VERSION = 1;
    private static final int HEADER = 4 + 1 + 8 + 4;

    /** What a snapshot holds. */
    record Contents(List<MetadataRecord> records, long offset) {
    }

    private SnapshotFile() {
    }

    static void write(AtomicFileWriter writer, Path file, MetadataImage image) throws IOException {
        byte[] records = MetadataRecordCodec.encode(image.toRecords());
        CRC32C crc = new CRC32C();
        crc.update(records);
        ByteBuffer buf = ByteBuffer.allocate(HEADER + records.length);
        buf.putInt(MAGIC).put(VERSION).putLong(image.offset()).putInt((int) crc.getValue()).put(records);
        writer.write(file, buf.array());
    }

    static Contents read(Path file) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file));
        if (buf.remaining() < HEADER || buf.getInt() != MAGIC) {
            throw new IOException("Not a metadata snapshot: " + file);
        }
        byte version = buf.get();
        if (version != VERSION) {
            throw new IOException("Unknown metadata snapshot version " + version + " in " + file);
        }
        long offset = buf.getLong();
        int expected = buf.getInt();
        CRC32C crc = new CRC32C();
        crc.update(buf.duplicate());
        if ((int) crc.getValue() != expected) {
            throw new IOException("Corrupt metadata snapshot (CRC mismatch): " + file);
        }
        return new Contents(MetadataRecordCodec.decode(buf), offset);
    }
}
