package io.samsa.clients.archfixture;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.TimestampType;

/** Allowed everywhere: generated messages, ApiKeys, Errors, ApiMessage and kafka-clients public API. */
public final class ClientsUsePublicKafka {
    public String describe(TopicPartition tp, Header header, TimestampType type) {
        ApiMessage request = new ProduceRequestData().setAcks((short) -1);
        return tp + " " + header + " " + type + " " + ApiKeys.PRODUCE + " " + Errors.NONE + " " + request;
    }
}
