package io.samsa.network.auth;

/**
 * A failed SASL exchange. What the client is told is Kafka's: a few failures have their own message
 * ({@link #toClient}), every other one the generic "invalid credentials" text, which says nothing about whether
 * the user exists ({@link #internal}: the detail goes to the broker's log only).
 */
public final class SaslFailure extends Exception {
    private final boolean visibleToClient;

    private SaslFailure(String message, boolean visibleToClient) {
        super(message);
        this.visibleToClient = visibleToClient;
    }

    /** A failure whose message the client receives as is (Kafka's SaslAuthenticationException). */
    public static SaslFailure toClient(String message) {
        return new SaslFailure(message, true);
    }

    /** A failure the client learns only as "invalid credentials" (Kafka's SaslException). */
    public static SaslFailure internal(String message) {
        return new SaslFailure(message, false);
    }

    /** The message for the SaslAuthenticate response's error_message. */
    public String clientMessage(String mechanism) {
        return visibleToClient ? getMessage()
                : "Authentication failed during authentication due to invalid credentials with SASL mechanism "
                        + mechanism;
    }
}
