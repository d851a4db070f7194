package io.samsa.clients.consumer.group;

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

/**
 * The "consumer" protocol's member metadata (subscription) and assignment, as version-prefixed bytes with the
 * generated {@code ConsumerProtocolSubscription}/{@code ConsumerProtocolAssignment} schemas, so any Kafka client
 * in the same group understands them. Newer versions than ours are read as our newest (their extra fields are
 * at the end, as the protocol guarantees).
 */
final class ConsumerProtocolCodec {
    private static final short SUBSCRIPTION_VERSION = 3;
    private static final short ASSIGNMENT_VERSION = 3;

    private ConsumerProtocolCodec() {
    }

    static byte[] subscription(List<String> topics, ByteBuffer userData, Collection<TopicPartition> owned,
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

    static ConsumerPartitionAssignor.Subscription readSubscription(byte[] bytes) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        short version = (short) Math.min(buf.getShort(), ConsumerProtocolSubscription.HIGHEST_SUPPORTED_VERSION);
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

    static byte[] assignment(ConsumerPartitionAssignor.Assignment a) {
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

    static ConsumerPartitionAssignor.Assignment readAssignment(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            return new ConsumerPartitionAssignor.Assignment(List.of());
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        short version = (short) Math.min(buf.getShort(), ConsumerProtocolAssignment.HIGHEST_SUPPORTED_VERSION);
        ConsumerProtocolAssignment a = new ConsumerProtocolAssignment(new ByteBufferAccessor(buf), version);
        List<TopicPartition> partitions = new ArrayList<>();
        for (ConsumerProtocolAssignment.TopicPartition t : a.assignedPartitions()) {
            for (int p : t.partitions()) {
                partitions.add(new TopicPartition(t.topic(), p));
            }
        }
        return new ConsumerPartitionAssignor.Assignment(partitions, a.userData());
    }
}
