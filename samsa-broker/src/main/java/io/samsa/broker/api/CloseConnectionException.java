package io.samsa.broker.api;

/**
 * Thrown by a handler that must answer by closing the connection: a failed acks=0 produce, whose client
 * reads no response and learns of the failure only from the disconnect (as with Kafka).
 */
public final class CloseConnectionException extends RuntimeException {
    public CloseConnectionException(String message) {
        super(message);
    }
}
