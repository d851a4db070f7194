package io.samsa.protocol.consumer;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.ConsumerProtocolAssignment;
import org.apache.kafka.common.message.ConsumerProtocolSubscription;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.protocol.types.SchemaException;

/**
 * The "consumer" protocol's member metadata (subscription) and assignment, as version-prefixed bytes with the
 * generated {@code ConsumerProtocolSubscription}/{@code ConsumerProtocolAssignment} schemas, so any Kafka client
 * in the same group understands them. Newer versions than ours are read as our newest (their extra fields are
 * at the end, as the protocol guarantees).
 *
 * <p>The one copy of this codec: the consumer's group member writes subscriptions and (as leader) assignments,
 * the broker's classic group reads subscriptions for the topics a group uses, and the admin client reads
 * assignments to describe a group. Thread-safe (stateless).
 */
public final class ConsumerProtocolCodec {
    /** The JoinGroup protocol type of consumer groups (Kafka's {@code ConsumerProtocol.PROTOCOL_TYPE}). */
    public static final String PROTOCOL_TYPE = "consumer";
    private static final short SUBSCRIPTION_VERSION = 3;
    private static final short ASSIGNMENT_VERSION = 3;

    private ConsumerProtocolCodec() {
    }

    /** A subscription (JoinGroup member metadata) as version-prefixed bytes. */
    public static byte[] subscription(List<String> topics, ByteBuffer userData, Collection<TopicPartition> owned,
                               int generation, String rack) {
        ConsumerProtocolSubscription s = new ConsumerProtocolSubscription().setTopics(new ArrayList<>(topics))
                .setUserData(userData == null ? null : userData.duplicate()).setGenerationId(generation)
                .setRackId(rack);
        Map<String, ConsumerProtocolSubscription.TopicPartition> byTopic = new LinkedHashMap<>();
        for (TopicPartition tp : owned) {
            byTopic.computeIfAbsent(tp.topic(), t -> new ConsumerProtocolSubscription.TopicPartition().setTopic(t))
                    .partitions().add(tp.partition());
        }
        byTopic.values().forEach(t -> s.ownedPartitions().add(t));
        return MessageUtil.toVersionPrefixedBytes(SUBSCRIPTION_VERSION, s);
    }

    /** Reads a subscription; bytes that do not parse → a RuntimeException (e.g. SchemaException). */
    public static ConsumerPartitionAssignor.Subscription readSubscription(byte[] bytes) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        short version = readVersion(buf, ConsumerProtocolSubscription.HIGHEST_SUPPORTED_VERSION);
        ConsumerProtocolSubscription s = new ConsumerProtocolSubscription(new ByteBufferAccessor(buf), version);
        List<TopicPartition> owned = new ArrayList<>();
        for (ConsumerProtocolSubscription.TopicPartition t : s.ownedPartitions()) {
            for (int p : t.partitions()) {
                owned.add(new TopicPartition(t.topic(), p));
            }
        }
        return new ConsumerPartitionAssignor.Subscription(s.topics(), s.userData(), owned, s.generationId(),
                Optional.ofNullable(s.rackId()));
    }

    /** An assignment (SyncGroup) as version-prefixed bytes. */
    public static byte[] assignment(ConsumerPartitionAssignor.Assignment a) {
        ConsumerProtocolAssignment out = new ConsumerProtocolAssignment()
                .setUserData(a.userData() == null ? null : a.userData().duplicate());
        Map<String, ConsumerProtocolAssignment.TopicPartition> byTopic = new LinkedHashMap<>();
        for (TopicPartition tp : a.partitions()) {
            byTopic.computeIfAbsent(tp.topic(), t -> new ConsumerProtocolAssignment.TopicPartition().setTopic(t))
                    .partitions().add(tp.partition());
        }
        byTopic.values().forEach(t -> out.assignedPartitions().add(t));
        return MessageUtil.toVersionPrefixedBytes(ASSIGNMENT_VERSION, out);
    }

    /**
     * Reads an assignment; null or empty bytes (a member given nothing) → an empty assignment, bytes that do
     * not parse → a RuntimeException (e.g. SchemaException).
     */
    public static ConsumerPartitionAssignor.Assignment readAssignment(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            return new ConsumerPartitionAssignor.Assignment(List.of());
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        short version = readVersion(buf, ConsumerProtocolAssignment.HIGHEST_SUPPORTED_VERSION);
        ConsumerProtocolAssignment a = new ConsumerProtocolAssignment(new ByteBufferAccessor(buf), version);
        List<TopicPartition> partitions = new ArrayList<>();
        for (ConsumerProtocolAssignment.TopicPartition t : a.assignedPartitions()) {
            for (int p : t.partitions()) {
                partitions.add(new TopicPartition(t.topic(), p));
            }
        }
        return new ConsumerPartitionAssignor.Assignment(partitions, a.userData());
    }

    /** The version prefix, capped at the newest we know; a negative one is not the consumer protocol. */
    private static short readVersion(ByteBuffer buf, short highest) {
        short version = buf.getShort();
        if (version < 0) {
            throw new SchemaException("Unsupported consumer protocol version " + version);
        }
        return (short) Math.min(version, highest);
    }
}
