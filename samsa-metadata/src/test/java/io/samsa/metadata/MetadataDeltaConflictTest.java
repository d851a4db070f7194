package io.samsa.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32C;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetadataDeltaConflictTest {
    private static final Uuid ID = Uuid.randomUuid();
    private static final BrokerRegistrationRecord.Endpoint EP =
            new BrokerRegistrationRecord.Endpoint("PLAINTEXT", "PLAINTEXT", "h", 9092);

    @TempDir
    Path dir;

    private static MetadataImage image(List<MetadataRecord> records, long offset) {
        return new MetadataDelta(MetadataImage.EMPTY).replay(records, offset).apply();
    }

    private static Errors conflict(MetadataImage base, MetadataRecord record) {
        return catchThrowableOfType(MetadataConflictException.class,
                () -> new MetadataDelta(base).replay(List.of(record), base.offset() + 1)).error();
    }

    @Test
    void conflictingRecordsAreRefusedWithKafkasErrors() {
        PartitionRecord p0 = new PartitionRecord(ID, 0, List.of(1, 2), List.of(1, 2), 1, 0, 0);
        MetadataImage base = image(List.of(new TopicRecord("t", ID), p0,
                new BrokerRegistrationRecord(1, Uuid.randomUuid(), List.of(EP), null,
                        BrokerRegistrationRecord.NEW_EPOCH, true)), 5);
        assertThat(base.broker(1).brokerEpoch()).isEqualTo(5);
        assertThat(conflict(base, new TopicRecord("t", Uuid.randomUuid()))).isEqualTo(Errors.TOPIC_ALREADY_EXISTS);
        assertThat(conflict(base, new TopicRecord("u", ID))).isEqualTo(Errors.TOPIC_ALREADY_EXISTS);
        assertThat(conflict(base, new PartitionRecord(ID, 0, List.of(1, 2), List.of(1), 1, 0, 0)))
                .isEqualTo(Errors.INVALID_UPDATE_VERSION);
        assertThat(conflict(base, new PartitionRecord(ID, 0, List.of(1, 2), List.of(1), 1, 0, 2)))
                .isEqualTo(Errors.INVALID_UPDATE_VERSION);
        assertThat(conflict(base, new UnfenceBrokerRecord(1, 4))).isEqualTo(Errors.STALE_BROKER_EPOCH);
        assertThat(conflict(base, new FenceBrokerRecord(2, 5))).isEqualTo(Errors.STALE_BROKER_EPOCH);
        MetadataImage next = new MetadataDelta(base).replay(List.of(new UnfenceBrokerRecord(1, 5),
                new PartitionRecord(ID, 0, List.of(1, 2), List.of(1), 1, 0, 1)), 7).apply();
        assertThat(next.broker(1).fenced()).isFalse();
        assertThat(next.topics().get("t").partition(0).isr()).containsExactly(1);
    }

    @Test
    void aSnapshotRoundTripsBrokerEpochsAndFencing() throws Exception {
        MetadataImage image = image(List.of(
                new BrokerRegistrationRecord(1, Uuid.randomUuid(), List.of(EP), "a", 3, false),
                new BrokerRegistrationRecord(2, Uuid.randomUuid(), List.of(EP), "b", 9, true),
                new TopicRecord("t", ID), new PartitionRecord(ID, 0, List.of(1, 2), List.of(1), 1, 4, 7)), 12);
        byte[] bytes = MetadataRecordCodec.encode(image.toRecords());
        MetadataImage restored = image(MetadataRecordCodec.decode(ByteBuffer.wrap(bytes)), 12);
        assertThat(restored.brokers()).isEqualTo(image.brokers());
        assertThat(restored.broker(2).fenced()).isTrue();
        assertThat(restored.broker(2).brokerEpoch()).isEqualTo(9);
        assertThat(restored.topics().get("t").partition(0)).isEqualTo(image.topics().get("t").partition(0));
    }

    /** A metadata.log as the single-node release wrote it: registration v0 (no epoch), topic, partition. */
    @Test
    void aLogOfTheSingleNodeReleaseStillReplays() throws Exception {
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(payload);
        Uuid incarnation = Uuid.randomUuid();
        out.writeInt(3);
        out.writeByte(5); // broker registration v0
        out.writeByte(0);
        out.writeInt(1);
        out.writeLong(incarnation.getMostSignificantBits());
        out.writeLong(incarnation.getLeastSignificantBits());
        out.writeInt(1);
        for (String s : List.of("PLAINTEXT", "PLAINTEXT", "localhost")) {
            out.writeInt(s.length());
            out.writeBytes(s);
        }
        out.writeInt(9092);
        out.writeInt(-1); // no rack
        out.writeByte(1); // topic v0
        out.writeByte(0);
        out.writeInt(1);
        out.writeBytes("t");
        out.writeLong(ID.getMostSignificantBits());
        out.writeLong(ID.getLeastSignificantBits());
        out.writeByte(2); // partition v0
        out.writeByte(0);
        out.writeLong(ID.getMostSignificantBits());
        out.writeLong(ID.getLeastSignificantBits());
        out.writeInt(0);
        out.writeInt(1);
        out.writeInt(1);
        out.writeInt(1);
        out.writeInt(1);
        out.writeInt(1);
        out.writeInt(0);
        out.writeInt(0);
        byte[] records = payload.toByteArray();
        ByteBuffer frame = ByteBuffer.allocate(17 + records.length);
        frame.putInt(13 + records.length).putInt(0).put((byte) 1).putLong(2).put(records);
        CRC32C crc = new CRC32C();
        crc.update(frame.array(), 8, frame.capacity() - 8);
        frame.putInt(4, (int) crc.getValue());
        Files.write(dir.resolve(LocalMetadataLog.LOG_FILE), frame.array());

        try (MetadataTestSupport m = new MetadataTestSupport(dir)) {
            MetadataImage image = m.state.image();
            assertThat(image.offset()).isEqualTo(2);
            assertThat(image.broker(1).incarnationId()).isEqualTo(incarnation);
            assertThat(image.broker(1).fenced()).isFalse();
            assertThat(image.broker(1).brokerEpoch()).isEqualTo(2);
            assertThat(image.topics().get("t").partition(0)).isEqualTo(PartitionRecord.singleNode(ID, 0, 1));
            // and the single node goes on writing as before
            assertThat(m.create("u", 2, java.util.Map.of()).partition(1).replicas()).containsExactly(1);
        }
    }
}
