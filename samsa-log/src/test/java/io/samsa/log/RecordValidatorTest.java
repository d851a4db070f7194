package io.samsa.log;

import static io.samsa.log.TestBatches.NOW;
import static io.samsa.testkit.CraftedBatch.concat;
import static io.samsa.testkit.CraftedBatch.record;
import static io.samsa.testkit.CraftedBatch.varint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.samsa.testkit.CraftedBatch;
import io.samsa.testkit.ZstdFrame;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Random;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xerial.snappy.Snappy;

/** Every rejection path of {@link RecordValidator}, and kafka-clients' own batches (every codec) as positive cases. */
class RecordValidatorTest {
    static final LogConfig CFG = LogConfig.DEFAULTS;
    static final byte[] V = "value".getBytes();

    static int validate(ByteBuffer b) {
        return RecordValidator.validateBatch(b, b.position(), b.remaining(), CFG, NOW);
    }

    static SimpleRecord[] mixedRecords(int n) {
        SimpleRecord[] r = new SimpleRecord[n];
        for (int i = 0; i < n; i++) {
            Header[] headers = i % 3 == 0 ? new Header[0]
                    : new Header[] {new RecordHeader("h" + i, i % 2 == 0 ? null : ("v" + i).getBytes())};
            r[i] = new SimpleRecord(NOW + i, i % 4 == 0 ? null : ("k" + i).getBytes(),
                    i % 5 == 0 ? null : ("value-" + i).repeat(i % 7 + 1).getBytes(), headers);
        }
        return r;
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "gzip", "snappy", "lz4", "zstd"})
    void kafkaClientsBatchesOfEveryCodecPass(String codec) {
        ByteBuffer b = MemoryRecords.withRecords(Compression.of(codec).build(), mixedRecords(300)).buffer();
        assertThat(validate(b)).isEqualTo(b.remaining());
        ByteBuffer idempotent = MemoryRecords.withIdempotentRecords(Compression.of(codec).build(), 7L, (short) 1,
                Integer.MAX_VALUE - 2, mixedRecords(5)).buffer();
        assertThat(validate(idempotent)).isEqualTo(idempotent.remaining());
    }

    @Test
    void rawSnappyAsLibrdkafkaWritesItPasses() throws IOException {
        byte[] plain = concat(record(0, 0, null, V), record(1, 5, "k".getBytes(), V));
        ByteBuffer b = CraftedBatch.of(Snappy.compress(plain)).codec(2).count(2).baseTimestamp(NOW)
                .maxTimestamp(NOW + 5).build();
        assertThat(validate(b)).isEqualTo(b.remaining());
    }

    @Test
    void recordLengthMinusOneIsInvalid() {
        // The confirmed broker hang: a valid CRC, one record whose length varint is -1.
        ByteBuffer b = CraftedBatch.of(new byte[] {0x01, 0, 0, 0}).baseTimestamp(NOW).maxTimestamp(NOW + 3_540_000)
                .build();
        assertThatThrownBy(() -> validate(b)).isInstanceOf(InvalidRecordException.class);
    }

    @Test
    void recordCountsThatDoNotMatchTheRecordsAreInvalid() {
        ByteBuffer huge = CraftedBatch.of(new byte[0]).count(Integer.MAX_VALUE).baseTimestamp(NOW).build();
        assertThatThrownBy(() -> validate(huge)).isInstanceOf(InvalidRecordException.class);
        ByteBuffer threeForOne = CraftedBatch.of(record(0, 0, null, V)).count(3).baseTimestamp(NOW).build();
        assertThatThrownBy(() -> validate(threeForOne)).isInstanceOf(InvalidRecordException.class);
        ByteBuffer oneForTwo = CraftedBatch.of(concat(record(0, 0, null, V), record(1, 0, null, V))).count(1)
                .baseTimestamp(NOW).build();
        assertThatThrownBy(() -> validate(oneForTwo)).isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining("remaining");
        ByteBuffer zero = CraftedBatch.of(new byte[0]).count(0).baseTimestamp(NOW).build();
        assertThatThrownBy(() -> validate(zero)).isInstanceOf(InvalidRecordException.class);
        ByteBuffer delta = CraftedBatch.of(record(0, 0, null, V)).count(1).lastOffsetDelta(5).baseTimestamp(NOW)
                .build();
        assertThatThrownBy(() -> validate(delta)).isInstanceOf(InvalidRecordException.class);
    }

    @Test
    void offsetDeltasMustRunFromZero() {
        ByteBuffer b = CraftedBatch.of(concat(record(0, 0, null, V), record(2, 0, null, V))).count(2)
                .baseTimestamp(NOW).build();
        assertThatThrownBy(() -> validate(b)).isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining("offset delta");
    }

    @Test
    void fieldLengthsMustFitTheRecord() {
        // body: attributes, ts delta, offset delta, then a crafted key length and what follows
        for (byte[] tail : new byte[][] {
                concat(varint(50), V, varint(-1), varint(0)),       // key longer than the record
                concat(varint(-2), varint(-1), varint(0)),          // key length below -1
                concat(varint(-1), varint(-7), varint(0)),          // value length below -1
                concat(varint(-1), varint(-1), varint(-1)),         // negative header count
                concat(varint(-1), varint(-1), varint(40)),         // header count beyond the record
                concat(varint(-1), varint(-1), varint(1), varint(-1), varint(-1)), // null header key
                concat(varint(-1), varint(-1), varint(0), new byte[3]), // record length past its fields
                concat(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01}), // varint
        }) {
            byte[] body = concat(new byte[] {0}, varint(0), varint(0), tail);
            ByteBuffer b = CraftedBatch.of(concat(varint(body.length), body)).baseTimestamp(NOW).build();
            assertThatThrownBy(() -> validate(b)).isInstanceOf(InvalidRecordException.class);
        }
        byte[] truncated = concat(varint(30), new byte[] {0, 0, 0, 1});
        assertThatThrownBy(() -> validate(CraftedBatch.of(truncated).baseTimestamp(NOW).build()))
                .isInstanceOf(InvalidRecordException.class).hasMessageContaining("premature EOF");
    }

    @Test
    void batchLevelRulesAsKafka() {
        ByteBuffer one = CraftedBatch.of(record(0, 0, null, V)).baseTimestamp(NOW).build();
        assertThatThrownBy(() -> validate(CraftedBatch.concat(one, one.duplicate())))
                .isInstanceOf(InvalidRecordException.class).hasMessageContaining("more than one batch");
        ByteBuffer noSequence = CraftedBatch.of(record(0, 0, null, V)).baseTimestamp(NOW).producer(5, (short) 0, -1)
                .build();
        assertThatThrownBy(() -> validate(noSequence)).isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining("sequence");
        ByteBuffer control = CraftedBatch.of(record(0, 0, null, V)).baseTimestamp(NOW).attributes(0x20).build();
        assertThatThrownBy(() -> validate(control)).isInstanceOf(InvalidRecordException.class);
    }

    @Test
    void everyRecordTimestampIsChecked() {
        LogConfig bounded = CFG.withTimestampBounds(60_000, 60_000);
        // base and max are in range, the middle record is an hour old
        ByteBuffer b = CraftedBatch.of(concat(record(0, 0, null, V), record(1, -3_600_000, null, V),
                record(2, 10, null, V))).count(3).baseTimestamp(NOW).maxTimestamp(NOW + 10).build();
        assertThatThrownBy(() -> RecordValidator.validateBatch(b, 0, b.remaining(), bounded, NOW))
                .isInstanceOf(InvalidTimestampException.class);
        ByteBuffer future = CraftedBatch.of(concat(record(0, 0, null, V), record(1, 3_600_001, null, V))).count(2)
                .baseTimestamp(NOW).maxTimestamp(NOW).build();
        assertThatThrownBy(() -> validate(future)).isInstanceOf(InvalidTimestampException.class);
        ByteBuffer logAppendTime = CraftedBatch.of(record(0, 0, null, V)).baseTimestamp(NOW).attributes(0x08).build();
        assertThatThrownBy(() -> RecordValidator.validateBatch(logAppendTime, 0, logAppendTime.remaining(),
                CFG.withLogAppendTime(true), NOW)).isInstanceOf(InvalidTimestampException.class);
        // Kafka refuses a client batch flagged LogAppendTime on a CreateTime topic too, in range or not.
        assertThatThrownBy(() -> validate(logAppendTime.rewind())).isInstanceOf(InvalidTimestampException.class);
    }

    @Test
    void createTimeMaxTimestampIsSetFromTheRecordsWithAValidCrc() {
        ByteBuffer b = CraftedBatch.of(concat(record(0, 7, null, V), record(1, 3, null, V))).count(2)
                .baseTimestamp(NOW).maxTimestamp(NOW + 3_000_000).build();
        validate(b);
        MutableRecordBatch batch = MemoryRecords.readableRecords(b).batches().iterator().next();
        batch.ensureValid();
        assertThat(batch.maxTimestamp()).isEqualTo(NOW + 7);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4})
    void randomBytesUnderACodecAreRejected(int codec) {
        byte[] garbage = new byte[4096];
        new Random(codec).nextBytes(garbage);
        ByteBuffer b = CraftedBatch.of(garbage).codec(codec).count(10).baseTimestamp(NOW).build();
        assertThatThrownBy(() -> validate(b)).isInstanceOf(InvalidRecordException.class);
    }

    @Test
    void zeroFilledZstdFailsOnTheFirstRecord() {
        byte[] bomb = new ZstdFrame().repeat((byte) 0, 10L << 30).finish();
        ByteBuffer b = CraftedBatch.of(bomb).codec(4).count(1000).baseTimestamp(NOW).build();
        assertThat(b.remaining()).isLessThan(CFG.maxMessageBytes());
        assertThatThrownBy(() -> validate(b)).isInstanceOf(InvalidRecordException.class);
    }

    @Test
    void wellFormedZstdBombStopsAtTheDecompressionLimit() {
        // 5 records of 2 GiB - 64 zero bytes each: 10 GiB of well-formed records from ~330 KiB of zstd.
        int valueBytes = Integer.MAX_VALUE - 64;
        ZstdFrame frame = new ZstdFrame();
        for (int i = 0; i < 5; i++) {
            byte[] head = concat(new byte[] {0}, varint(0), varint(i), varint(-1), varint(valueBytes));
            int bodyLength = head.length + valueBytes + 1;
            frame.raw(concat(varint(bodyLength), head)).repeat((byte) 0, valueBytes).raw(varint(0));
        }
        ByteBuffer b = CraftedBatch.of(frame.finish()).codec(4).count(5).baseTimestamp(NOW).build();
        long start = System.nanoTime();
        assertThatThrownBy(() -> validate(b)).isInstanceOf(RecordTooLargeException.class);
        System.out.printf("zstd bomb of %d bytes (10 GiB) rejected after %d ms at the %d-byte limit%n",
                b.remaining(), (System.nanoTime() - start) / 1_000_000, RecordValidator.maxDecompressedBytes(CFG));
    }

    @Test
    void snappyBlockDeclaringMoreThanTheFormatCanHoldIsRejected() {
        // raw snappy: preamble varint (unsigned) 1 GiB, then a 2-byte literal
        byte[] raw = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x04, 0x04, 'a', 'b'};
        ByteBuffer b = CraftedBatch.of(raw).codec(2).baseTimestamp(NOW).build();
        assertThatThrownBy(() -> validate(b)).isInstanceOf(InvalidRecordException.class);
    }

    @Test
    void timestampLookupOnAMalformedBatchEndsWithABatchLevelAnswer() {
        // Data written before validation existed: the lookup must stop, never loop.
        ByteBuffer minusOne = CraftedBatch.of(new byte[] {0x01, 0, 0, 0}).baseTimestamp(NOW)
                .maxTimestamp(NOW + 100).build();
        assertThat(BatchTimestampSearch.findRecordByTimestamp(minusOne, 0, NOW + 100, true)).isNull();
        ByteBuffer huge = CraftedBatch.of(new byte[0]).count(Integer.MAX_VALUE).baseTimestamp(NOW).build();
        assertThat(BatchTimestampSearch.findRecordByTimestamp(huge, 0, NOW + 1, false)).isNull();
        ByteBuffer badVarint = CraftedBatch.of(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff}).build();
        assertThat(BatchTimestampSearch.findRecordByTimestamp(badVarint, 0, 0, false)).isNull();
    }
}
