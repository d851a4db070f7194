package io.samsa.protocol;

import org.apache.kafka.common.protocol.Message;
import org.apache.kafka.common.protocol.types.RawTaggedField;

/**
 * Samsa's own flags on Kafka messages exchanged between Samsa nodes: tagged fields Kafka's schemas do not know,
 * which flexible versions carry as unknown tagged fields (kept on decode, written on encode). Stateless.
 */
public final class SamsaTaggedFields {
    /** On a controller CreateTopics call: a broker creates one of Kafka's internal topics for itself. */
    public static final int INTERNAL_TOPIC = 10_000;

    private SamsaTaggedFields() {
    }

    /** Sets flag {@code tag} on {@code message} (a flexible version must carry it). */
    public static void set(Message message, int tag) {
        message.unknownTaggedFields().add(new RawTaggedField(tag, new byte[] {1}));
    }

    public static boolean has(Message message, int tag) {
        return message.unknownTaggedFields().stream().anyMatch(f -> f.tag() == tag);
    }
}
