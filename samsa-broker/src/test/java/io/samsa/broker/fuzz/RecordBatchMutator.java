package io.samsa.broker.fuzz;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32C;

import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.utils.internals.ByteUtils;

/**
 * Mutates the first record batch of one partition of a valid Produce frame behind its CRC: record count, last
 * offset delta, a record's varint fields (length, attributes, timestamp delta, offset delta, key and value
 * lengths, header count), the compression codec over a garbage payload, the control and transactional bits,
 * bytes of the records region overwritten, cut or extended. The batch length is kept consistent (now and then
 * not), the CRC-32C is recomputed and the request re-encoded with its own header, so the batch gets past the
 * broker's CRC check to its record validation. Used by one worker thread (its Random).
 */
final class RecordBatchMutator {
    // DefaultRecordBatch v2 layout
    private static final int LENGTH_OFFSET = 8;
    private static final int CRC_OFFSET = 17;
    private static final int ATTRIBUTES_OFFSET = 21;
    private static final int LAST_OFFSET_DELTA_OFFSET = 23;
    private static final int RECORDS_COUNT_OFFSET = 57;
    private static final int RECORDS_OFFSET = 61;
    private static final int LOG_OVERHEAD = 12;
    private static final String[] RECORD_FIELDS = {"length", "attributes", "timestampDelta", "offsetDelta",
            "keyLength", "valueLength", "headerCount"};
    /** Codec magic numbers, so that some garbage payloads get past the decompressor's first check. */
    private static final byte[][] CODEC_PREFIX = {{}, {0x1f, (byte) 0x8b, 8, 0},
            {(byte) 0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0}, {0x04, 0x22, 0x4d, 0x18}, {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd}};

    /** How the origin of every frame this makes begins. */
    static final String ORIGIN = "batch mutated behind a recomputed CRC";

    private final Random random;
    private final KnownDataGuard known;

    /** {@code known}: topics that exist, so that the mutated batch reaches validation (appending is harmless). */
    RecordBatchMutator(Random random, KnownDataGuard known) {
        this.random = random;
        this.known = known;
    }

    /** A mutated copy of {@code valid} (a Produce frame), or null if it carries no batch to mutate. */
    FuzzFrame mutate(FuzzFrame valid) {
        if (!(FrameFactory.decode(valid) instanceof ProduceRequestData produce)) {
            return null;
        }
        List<ProduceRequestData.PartitionProduceData> withBatch = new ArrayList<>();
        produce.topicData().forEach(t -> t.partitionData().forEach(p -> {
            if (p.records() instanceof MemoryRecords m && m.sizeInBytes() > RECORDS_OFFSET
                    && m.buffer().get(m.buffer().position() + 16) == 2) {
                withBatch.add(p);
            }
        }));
        if (withBatch.isEmpty()) {
            return null;
        }
        ProduceRequestData.PartitionProduceData target = withBatch.get(random.nextInt(withBatch.size()));
        aimAtKnownTopic(produce, target);
        ByteBuffer records = ((MemoryRecords) target.records()).buffer();
        byte[] all = new byte[records.remaining()];
        records.duplicate().get(all);
        int batchEnd = LOG_OVERHEAD + ByteBuffer.wrap(all).getInt(LENGTH_OFFSET);
        byte[] batch = Arrays.copyOf(all, Math.min(batchEnd, all.length));
        byte[] rest = Arrays.copyOfRange(all, batch.length, all.length);

        Mutated m = mutateBatch(batch);
        byte[] mutated = m.batch;
        ByteBuffer b = ByteBuffer.wrap(mutated);
        boolean staleLength = random.nextInt(10) == 0;
        if (!staleLength) {
            b.putInt(LENGTH_OFFSET, mutated.length - LOG_OVERHEAD);
        }
        CRC32C crc = new CRC32C();
        crc.update(mutated, ATTRIBUTES_OFFSET, mutated.length - ATTRIBUTES_OFFSET);
        b.putInt(CRC_OFFSET, (int) crc.getValue());
        byte[] joined = Arrays.copyOf(mutated, mutated.length + rest.length);
        System.arraycopy(rest, 0, joined, mutated.length, rest.length);
        target.setRecords(MemoryRecords.readableRecords(ByteBuffer.wrap(joined)));

        return FrameFactory.reencode(valid, produce, ORIGIN + " (" + m.what
                + (staleLength ? ", batch length left stale" : "") + ") " + valid.origin());
    }

    /**
     * Mostly: acks that are valid, and the target partition in a known topic (by name, and by id for the
     * versions that use ids), so that the batch is not refused before validation for want of a topic.
     */
    private void aimAtKnownTopic(ProduceRequestData produce, ProduceRequestData.PartitionProduceData target) {
        produce.setAcks(new short[] {-1, 1, 1, -1, 0, 2}[random.nextInt(6)]);
        if (random.nextInt(5) == 0) {
            return;
        }
        int t = random.nextInt(known.topics().size());
        for (ProduceRequestData.TopicProduceData topic : produce.topicData()) {
            if (topic.partitionData().contains(target)) {
                topic.setName(known.topics().get(t));
                topic.setTopicId(known.topicIds().get(t));
                target.setIndex(random.nextInt(2));
            }
        }
    }

    private record Mutated(byte[] batch, String what) {
    }

    private Mutated mutateBatch(byte[] batch) {
        ByteBuffer b = ByteBuffer.wrap(batch);
        int count = b.getInt(RECORDS_COUNT_OFFSET);
        short attributes = b.getShort(ATTRIBUTES_OFFSET);
        boolean compressed = (attributes & 0x07) != 0;
        switch (random.nextInt(8)) {
            case 0 -> {
                int v = new int[] {0, -1, count + 1, count - 1, Integer.MAX_VALUE, Integer.MIN_VALUE, 1 << 20}[random.nextInt(7)];
                b.putInt(RECORDS_COUNT_OFFSET, v);
                return new Mutated(batch, "record count " + count + "->" + v);
            }
            case 1 -> {
                int old = b.getInt(LAST_OFFSET_DELTA_OFFSET);
                int v = new int[] {-1, old + 1, old - 1, Integer.MAX_VALUE, 0}[random.nextInt(5)];
                b.putInt(LAST_OFFSET_DELTA_OFFSET, v);
                return new Mutated(batch, "last offset delta " + old + "->" + v);
            }
            case 2, 3 -> {
                if (!compressed) {
                    return recordField(batch);
                }
                return garbageUnderCodec(batch, attributes);
            }
            case 4 -> {
                return garbageUnderCodec(batch, attributes);
            }
            case 5 -> {
                int bit = new int[] {0x10, 0x20, 0x30, 0x08, 0x40}[random.nextInt(5)];
                b.putShort(ATTRIBUTES_OFFSET, (short) (attributes ^ bit));
                return new Mutated(batch, "attribute bits ^0x" + Integer.toHexString(bit));
            }
            case 6 -> {
                int n = Math.max(1, random.nextInt(4));
                StringBuilder at = new StringBuilder("records region bytes overwritten at");
                for (int i = 0; i < n && batch.length > RECORDS_OFFSET; i++) {
                    int pos = RECORDS_OFFSET + random.nextInt(batch.length - RECORDS_OFFSET);
                    batch[pos] = (byte) random.nextInt(256);
                    at.append(' ').append(pos);
                }
                return new Mutated(batch, at.toString());
            }
            default -> {
                int regionLength = batch.length - RECORDS_OFFSET;
                if (random.nextBoolean()) {
                    int keep = RECORDS_OFFSET + random.nextInt(regionLength);
                    return new Mutated(Arrays.copyOf(batch, keep), "records region cut to " + (keep - RECORDS_OFFSET)
                            + " of " + regionLength + " bytes");
                }
                int extra = 1 + random.nextInt(32);
                byte[] longer = Arrays.copyOf(batch, batch.length + extra);
                for (int i = batch.length; i < longer.length; i++) {
                    longer[i] = (byte) random.nextInt(256);
                }
                return new Mutated(longer, "records region extended by " + extra + " random bytes");
            }
        }
    }

    /** Codec bits set to 1-4 (or the invalid 5-7) over a payload of a codec's magic number and random bytes. */
    private Mutated garbageUnderCodec(byte[] batch, short attributes) {
        int codec = random.nextInt(8) == 0 ? 5 + random.nextInt(3) : 1 + random.nextInt(4);
        byte[] prefix = codec <= 4 && random.nextBoolean() ? CODEC_PREFIX[codec] : new byte[0];
        int n = random.nextInt(200);
        byte[] out = Arrays.copyOf(batch, RECORDS_OFFSET + prefix.length + n);
        System.arraycopy(prefix, 0, out, RECORDS_OFFSET, prefix.length);
        for (int i = RECORDS_OFFSET + prefix.length; i < out.length; i++) {
            out[i] = (byte) random.nextInt(256);
        }
        ByteBuffer.wrap(out).putShort(ATTRIBUTES_OFFSET, (short) ((attributes & ~0x07) | codec));
        return new Mutated(out, "codec " + codec + " over " + (prefix.length > 0 ? "its magic and " : "") + n
                + " random bytes");
    }

    /**
     * Rewrites one varint field of one record (uncompressed batch) with a hostile value, re-encoding it in place
     * (the record region grows or shrinks by the varint's width change; the record's own length is not fixed up
     * unless it is the field mutated).
     */
    private Mutated recordField(byte[] batch) {
        ByteBuffer in = ByteBuffer.wrap(batch, RECORDS_OFFSET, batch.length - RECORDS_OFFSET);
        List<int[]> fields = new ArrayList<>(); // {start, end, field index, old value}
        try {
            while (in.hasRemaining()) {
                int start = in.position();
                int length = ByteUtils.readVarint(in);
                fields.add(new int[] {start, in.position(), 0, length});
                int recordEnd = in.position() + length;
                fields.add(new int[] {in.position(), in.position() + 1, 1, in.get()});
                int p = in.position();
                long ts = ByteUtils.readVarlong(in);
                fields.add(new int[] {p, in.position(), 2, (int) ts});
                p = in.position();
                fields.add(new int[] {p, p, 3, ByteUtils.readVarint(in)});
                fields.get(fields.size() - 1)[1] = in.position();
                for (int field : new int[] {4, 5}) {
                    p = in.position();
                    int len = ByteUtils.readVarint(in);
                    fields.add(new int[] {p, in.position(), field, len});
                    in.position(in.position() + Math.max(len, 0));
                }
                p = in.position();
                fields.add(new int[] {p, p, 6, ByteUtils.readVarint(in)});
                fields.get(fields.size() - 1)[1] = in.position();
                in.position(recordEnd);
            }
        } catch (RuntimeException e) {
            // a valid batch parses; stop at whatever does not
        }
        if (fields.isEmpty()) {
            return new Mutated(batch, "no record fields found");
        }
        int[] f = fields.get(random.nextInt(fields.size()));
        int old = f[3];
        int v = new int[] {-1, -2, 0, old + 1, old - 1, Integer.MAX_VALUE, Integer.MIN_VALUE, 1 << 20}[random.nextInt(8)];
        byte[] encoded;
        if (f[2] == 1) {
            encoded = new byte[] {(byte) v};
        } else {
            ByteBuffer e = ByteBuffer.allocate(10);
            if (f[2] == 2) {
                ByteUtils.writeVarlong(v, e);
            } else {
                ByteUtils.writeVarint(v, e);
            }
            encoded = Arrays.copyOf(e.array(), e.position());
        }
        byte[] out = new byte[batch.length - (f[1] - f[0]) + encoded.length];
        System.arraycopy(batch, 0, out, 0, f[0]);
        System.arraycopy(encoded, 0, out, f[0], encoded.length);
        System.arraycopy(batch, f[1], out, f[0] + encoded.length, batch.length - f[1]);
        return new Mutated(out, "record " + RECORD_FIELDS[f[2]] + " at " + f[0] + " " + old + "->" + v);
    }
}
