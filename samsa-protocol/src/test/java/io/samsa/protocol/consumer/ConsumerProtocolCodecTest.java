package io.samsa.protocol.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Assignment;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Subscription;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Round trips of the one consumer-protocol codec, and interoperability with kafka-clients' own. */
class ConsumerProtocolCodecTest {
    private static final TopicPartition A0 = new TopicPartition("a", 0);
    private static final TopicPartition A1 = new TopicPartition("a", 1);
    private static final TopicPartition B2 = new TopicPartition("b", 2);

    @Test
    void subscriptionRoundTrips() {
        byte[] bytes = ConsumerProtocolCodec.subscription(List.of("a", "b"), utf8("user"), List.of(A0, B2, A1), 7,
                "rack-1");

        Subscription s = ConsumerProtocolCodec.readSubscription(bytes);
        assertThat(s.topics()).containsExactly("a", "b");
        assertThat(text(s.userData())).isEqualTo("user");
        assertThat(s.ownedPartitions()).containsExactly(A0, A1, B2);
        assertThat(s.generationId()).contains(7);
        assertThat(s.rackId()).contains("rack-1");
    }

    @Test
    void assignmentRoundTrips() {
        byte[] bytes = ConsumerProtocolCodec.assignment(new Assignment(List.of(B2, A0), utf8("ud")));

        Assignment a = ConsumerProtocolCodec.readAssignment(bytes);
        assertThat(a.partitions()).containsExactly(B2, A0);
        assertThat(text(a.userData())).isEqualTo("ud");
    }

    @Test
    void emptyAssignmentBytesAreAnEmptyAssignment() {
        assertThat(ConsumerProtocolCodec.readAssignment(new byte[0]).partitions()).isEmpty();
        assertThat(ConsumerProtocolCodec.readAssignment(null).partitions()).isEmpty();
    }

    @Test
    void kafkaReadsWhatWeWriteAndWeReadWhatKafkaWrites() {
        byte[] ours = ConsumerProtocolCodec.subscription(List.of("a"), null, List.of(A1), 3, null);
        Subscription byKafka = ConsumerProtocol.deserializeSubscription(ByteBuffer.wrap(ours));
        assertThat(byKafka.topics()).containsExactly("a");
        assertThat(byKafka.ownedPartitions()).containsExactly(A1);
        assertThat(byKafka.generationId()).contains(3);

        ByteBuffer theirs = ConsumerProtocol.serializeSubscription(
                new Subscription(List.of("b"), null, List.of(B2), 4, Optional.of("r")));
        Subscription byUs = ConsumerProtocolCodec.readSubscription(bytes(theirs));
        assertThat(byUs.topics()).containsExactly("b");
        assertThat(byUs.ownedPartitions()).containsExactly(B2);
        assertThat(byUs.rackId()).contains("r");

        Assignment assignment = ConsumerProtocol.deserializeAssignment(ByteBuffer.wrap(
                ConsumerProtocolCodec.assignment(new Assignment(List.of(A0, A1)))));
        assertThat(assignment.partitions()).containsExactly(A0, A1);
        assertThat(ConsumerProtocolCodec.readAssignment(bytes(ConsumerProtocol.serializeAssignment(
                new Assignment(List.of(B2))))).partitions()).containsExactly(B2);
    }

    @Test
    void newerVersionIsReadAsOursAndANegativeOneIsRejected() {
        byte[] bytes = ConsumerProtocolCodec.subscription(List.of("a"), null, List.of(), -1, null);
        bytes[0] = 0;
        bytes[1] = 99; // a future version: its extra fields would follow ours
        assertThat(ConsumerProtocolCodec.readSubscription(bytes).topics()).containsExactly("a");

        bytes[0] = (byte) 0xff;
        assertThatThrownBy(() -> ConsumerProtocolCodec.readSubscription(bytes)).isInstanceOf(RuntimeException.class);
        assertThat(ConsumerProtocolCodec.PROTOCOL_TYPE).isEqualTo(ConsumerProtocol.PROTOCOL_TYPE);
    }

    private static ByteBuffer utf8(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(ByteBuffer b) {
        return StandardCharsets.UTF_8.decode(b.duplicate()).toString();
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
