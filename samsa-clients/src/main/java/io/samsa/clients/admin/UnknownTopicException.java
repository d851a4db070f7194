package io.samsa.clients.admin;

import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** The broker does not know the topic; carries its name so a caller can say how to create it. */
public final class UnknownTopicException extends UnknownTopicOrPartitionException {
    private final String topic;

    public UnknownTopicException(String topic) {
        super("Topic '" + topic + "' does not exist");
        this.topic = topic;
    }

    public String topic() {
        return topic;
    }
}
