package io.samsa.broker.txn;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.apache.kafka.common.TopicPartition;

/**
 * One transactional id's state as the transaction log ({@code __transaction_state}) holds it; the newest record
 * per key wins (the topic is compacted) and a DEAD state is written as a tombstone.
 *
 * <p>Samsa's own small binary format, versioned like Kafka's: key = int16 version 0 + transactional id
 * (int16 length + UTF-8); value = int16 version 1, producer id, previous producer id (int64), producer epoch,
 * last producer epoch (int16), timeout ms (int32), state id (int8), partitions (int32 topic count, then per topic
 * its name and int32 count + int32 partitions), start and last update ms (int64), next producer id (int64) and
 * transaction version (int16). A version 0 value (before transaction version 2) has neither: -1 and 1.
 *
 * @param prevProducerId    the producer id before the last rotation (-1 if none): a producer whose epoch ran
 *                          out may retry InitProducerId with it
 * @param lastProducerEpoch the epoch before the last bump (-1 after a fence): lets a retried InitProducerId get
 *                          the same answer
 * @param startMs           when the open transaction's first partition was added (-1 when none is open)
 * @param nextProducerId    transaction version 2: the producer id a PREPARE record's transaction hands over to when
 *                          it ends, because its epoch ran out (-1 otherwise)
 * @param transactionVersion the client's transaction version for the open or last transaction: 1, or 2 (KIP-890,
 *                          every end bumps the epoch)
 */
public record TxnRecord(String transactionalId, long producerId, long prevProducerId, short producerEpoch,
                        short lastProducerEpoch, int timeoutMs, TxnState state, Set<TopicPartition> partitions,
                        long startMs, long lastUpdateMs, long nextProducerId, short transactionVersion) {
    private static final short KEY_VERSION = 0;
    private static final short VALUE_VERSION = 1;

    public TxnRecord {
        partitions = Set.copyOf(partitions);
    }

    /** A record of transaction version 1 (no producer id to hand over). */
    public TxnRecord(String transactionalId, long producerId, long prevProducerId, short producerEpoch,
                     short lastProducerEpoch, int timeoutMs, TxnState state, Set<TopicPartition> partitions,
                     long startMs, long lastUpdateMs) {
        this(transactionalId, producerId, prevProducerId, producerEpoch, lastProducerEpoch, timeoutMs, state,
                partitions, startMs, lastUpdateMs, -1L, (short) 1);
    }

    public byte[] key() {
        byte[] id = transactionalId.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + id.length).putShort(KEY_VERSION).putShort((short) id.length).put(id).array();
    }

    /** The encoded value; null (a tombstone) for DEAD. */
    public byte[] value() {
        if (state == TxnState.DEAD) {
            return null;
        }
        Map<String, TreeSet<Integer>> byTopic = new TreeMap<>();
        int size = 2 + 8 + 8 + 2 + 2 + 4 + 1 + 4 + 8 + 8 + 8 + 2;
        for (TopicPartition tp : partitions) {
            byTopic.computeIfAbsent(tp.topic(), t -> new TreeSet<>()).add(tp.partition());
        }
        for (Map.Entry<String, TreeSet<Integer>> e : byTopic.entrySet()) {
            size += 2 + e.getKey().getBytes(StandardCharsets.UTF_8).length + 4 + 4 * e.getValue().size();
        }
        ByteBuffer b = ByteBuffer.allocate(size).putShort(VALUE_VERSION).putLong(producerId).putLong(prevProducerId)
                .putShort(producerEpoch).putShort(lastProducerEpoch).putInt(timeoutMs).put(state.id())
                .putInt(byTopic.size());
        for (Map.Entry<String, TreeSet<Integer>> e : byTopic.entrySet()) {
            byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
            b.putShort((short) name.length).put(name).putInt(e.getValue().size());
            e.getValue().forEach(b::putInt);
        }
        return b.putLong(startMs).putLong(lastUpdateMs).putLong(nextProducerId).putShort(transactionVersion).array();
    }

    /** The transactional id of a key. */
    public static String decodeKey(ByteBuffer key) {
        ByteBuffer k = key.duplicate();
        short version = k.getShort();
        if (version != KEY_VERSION) {
            throw new IllegalArgumentException("Unknown transaction log key version " + version);
        }
        return string(k);
    }

    /** The record a key and value hold; a null value (tombstone) decodes as DEAD. */
    public static TxnRecord decode(String transactionalId, ByteBuffer value) {
        if (value == null) {
            return new TxnRecord(transactionalId, -1, -1, (short) -1, (short) -1, 0, TxnState.DEAD, Set.of(), -1, -1);
        }
        ByteBuffer v = value.duplicate();
        short version = v.getShort();
        if (version != 0 && version != VALUE_VERSION) {
            throw new IllegalArgumentException("Unknown transaction log value version " + version);
        }
        long producerId = v.getLong();
        long prevProducerId = v.getLong();
        short epoch = v.getShort();
        short lastEpoch = v.getShort();
        int timeoutMs = v.getInt();
        TxnState state = TxnState.fromId(v.get());
        int topics = v.getInt();
        Set<TopicPartition> partitions = new TreeSet<>(java.util.Comparator.comparing(TopicPartition::topic)
                .thenComparingInt(TopicPartition::partition));
        for (int t = 0; t < topics; t++) {
            String topic = string(v);
            int n = v.getInt();
            for (int i = 0; i < n; i++) {
                partitions.add(new TopicPartition(topic, v.getInt()));
            }
        }
        long startMs = v.getLong();
        long lastUpdateMs = v.getLong();
        if (version == 0) {
            return new TxnRecord(transactionalId, producerId, prevProducerId, epoch, lastEpoch, timeoutMs, state,
                    partitions, startMs, lastUpdateMs);
        }
        return new TxnRecord(transactionalId, producerId, prevProducerId, epoch, lastEpoch, timeoutMs, state,
                partitions, startMs, lastUpdateMs, v.getLong(), v.getShort());
    }

    private static String string(ByteBuffer b) {
        int len = b.getShort();
        byte[] bytes = new byte[len];
        b.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "TxnRecord(" + transactionalId + ", pid " + producerId + " epoch " + producerEpoch
                + (nextProducerId >= 0 ? " next pid " + nextProducerId : "") + ", TV" + transactionVersion + ", " + state
                + ", " + partitions.stream().map(TopicPartition::toString).collect(Collectors.joining(",", "[", "]"))
                + ")";
    }
}
