package io.samsa.clients.admin;

import org.apache.kafka.common.KafkaException;

/** No broker could be reached; the message names each address tried and what happened. */
public final class BrokerUnreachableException extends KafkaException {
    public BrokerUnreachableException(String message) {
        super(message);
    }
}
