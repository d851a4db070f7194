package io.samsa.broker.group;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.TopicPartition;

/**
 * A record of the group metadata log: one committed offset, or a group's metadata (generation, chosen
 * protocol, leader, members with their subscription and assignment). A null value is a tombstone.
 *
 * <p>Keys and values are Samsa's own small binary format, versioned like Kafka's
 * {@code __consumer_offsets}: key = int16 type (1 offset, 2 group) + fields; value = int16 version + fields.
 * Strings are int16 length + UTF-8 (-1 for null), bytes int32 length + data (-1 for null).
 */
sealed interface GroupMetadataRecord permits GroupMetadataRecord.Offset, GroupMetadataRecord.Group {
    short OFFSET_KEY = 1;
    short GROUP_KEY = 2;
    short VALUE_VERSION = 0;

    String groupId();

    byte[] key();

    /** The encoded value, or null for a tombstone. */
    byte[] value();

    record Offset(String groupId, TopicPartition partition, CommittedOffset offset) implements GroupMetadataRecord {
        @Override
        public byte[] key() {
            Writer w = new Writer();
            w.i16(OFFSET_KEY).string(groupId).string(partition.topic()).i32(partition.partition());
            return w.bytes();
        }

        @Override
        public byte[] value() {
            if (offset == null) {
                return null;
            }
            Writer w = new Writer();
            w.i16(VALUE_VERSION).i64(offset.offset()).i32(offset.leaderEpoch()).string(offset.metadata())
                    .i64(offset.commitTimestampMs()).i64(offset.expireTimestampMs());
            return w.bytes();
        }
    }

    record Group(String groupId, Value metadata) implements GroupMetadataRecord {
        @Override
        public byte[] key() {
            return new Writer().i16(GROUP_KEY).string(groupId).bytes();
        }

        @Override
        public byte[] value() {
            if (metadata == null) {
                return null;
            }
            Writer w = new Writer();
            w.i16(VALUE_VERSION).string(metadata.protocolType()).i32(metadata.generationId())
                    .string(metadata.protocolName()).string(metadata.leaderId()).i64(metadata.stateTimestampMs())
                    .i32(metadata.members().size());
            for (Member m : metadata.members()) {
                w.string(m.memberId()).string(m.groupInstanceId()).string(m.clientId()).string(m.clientHost())
                        .i32(m.rebalanceTimeoutMs()).i32(m.sessionTimeoutMs()).blob(m.subscription())
                        .blob(m.assignment());
            }
            return w.bytes();
        }
    }

    /** A group as persisted: what a restarted coordinator needs to carry on without a rebalance. */
    record Value(String protocolType, int generationId, String protocolName, String leaderId, long stateTimestampMs,
                 List<Member> members) {
    }

    /** A member as persisted; {@code subscription} is its metadata for the chosen protocol. */
    record Member(String memberId, String groupInstanceId, String clientId, String clientHost, int rebalanceTimeoutMs,
                  int sessionTimeoutMs, byte[] subscription, byte[] assignment) {
    }

    /** Decodes a record read back from the log; unknown key types or versions are an error. */
    static GroupMetadataRecord decode(ByteBuffer key, ByteBuffer value) {
        short type = key.getShort();
        String groupId = readString(key);
        if (type == OFFSET_KEY) {
            TopicPartition tp = new TopicPartition(readString(key), key.getInt());
            if (value == null) {
                return new Offset(groupId, tp, null);
            }
            checkVersion(value.getShort());
            return new Offset(groupId, tp, new CommittedOffset(value.getLong(), value.getInt(), readString(value),
                    value.getLong(), value.getLong()));
        }
        if (type == GROUP_KEY) {
            if (value == null) {
                return new Group(groupId, null);
            }
            checkVersion(value.getShort());
            String protocolType = readString(value);
            int generation = value.getInt();
            String protocolName = readString(value);
            String leader = readString(value);
            long stateTs = value.getLong();
            int n = value.getInt();
            List<Member> members = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                members.add(new Member(readString(value), readString(value), readString(value), readString(value),
                        value.getInt(), value.getInt(), readBlob(value), readBlob(value)));
            }
            return new Group(groupId, new Value(protocolType, generation, protocolName, leader, stateTs, members));
        }
        throw new IllegalArgumentException("Unknown group metadata key type " + type);
    }

    private static void checkVersion(short version) {
        if (version != VALUE_VERSION) {
            throw new IllegalArgumentException("Unknown group metadata value version " + version);
        }
    }

    private static String readString(ByteBuffer b) {
        short len = b.getShort();
        if (len < 0) {
            return null;
        }
        byte[] bytes = new byte[len];
        b.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static byte[] readBlob(ByteBuffer b) {
        int len = b.getInt();
        if (len < 0) {
            return null;
        }
        byte[] bytes = new byte[len];
        b.get(bytes);
        return bytes;
    }

    /** A growable big-endian buffer. */
    final class Writer {
        private ByteBuffer buf = ByteBuffer.allocate(128);

        Writer i16(int v) {
            ensure(2).putShort((short) v);
            return this;
        }

        Writer i32(int v) {
            ensure(4).putInt(v);
            return this;
        }

        Writer i64(long v) {
            ensure(8).putLong(v);
            return this;
        }

        Writer string(String s) {
            if (s == null) {
                return i16(-1);
            }
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            if (b.length > Short.MAX_VALUE) {
                throw new IllegalArgumentException("String too long for the group metadata log: " + b.length);
            }
            i16(b.length);
            ensure(b.length).put(b);
            return this;
        }

        Writer blob(byte[] b) {
            if (b == null) {
                return i32(-1);
            }
            i32(b.length);
            ensure(b.length).put(b);
            return this;
        }

        byte[] bytes() {
            byte[] out = new byte[buf.position()];
            buf.flip();
            buf.get(out);
            return out;
        }

        private ByteBuffer ensure(int n) {
            if (buf.remaining() < n) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + n));
                buf.flip();
                bigger.put(buf);
                buf = bigger;
            }
            return buf;
        }
    }
}
