package io.samsa.network.client;

import org.apache.kafka.common.protocol.ApiMessage;

/** What to do with a request's outcome; runs on the I/O thread. */
public interface ResponseHandler {
    /** The decoded response body; {@code null} for a request that expects none (acks=0), once written. */
    void onResponse(ApiMessage body);

    /** Disconnected, timed out or undecodable: a retriable Kafka exception in the first two cases. */
    void onFailure(RuntimeException error);
}
