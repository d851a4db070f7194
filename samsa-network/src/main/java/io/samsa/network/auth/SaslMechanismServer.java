package io.samsa.network.auth;

/**
 * The server side of one SASL mechanism's exchange (PLAIN, SCRAM-SHA-*) for one connection: client tokens in,
 * server tokens out, until complete. Samsa's own code rather than {@code javax.security.sasl} (the JDK has no
 * SCRAM server, and Kafka's servers are internal classes). One instance per authentication; used only on the
 * connection's network thread.
 */
public interface SaslMechanismServer {

    /** The SASL name, as in SaslHandshake: {@code PLAIN}, {@code SCRAM-SHA-512}. */
    String mechanismName();

    /**
     * Evaluates the client's next token.
     *
     * @return the server's token (empty when the mechanism has nothing to say)
     * @throws SaslFailure when authentication fails: the exchange is over
     */
    byte[] evaluate(byte[] clientToken) throws SaslFailure;

    /** True once the exchange succeeded. */
    boolean isComplete();

    /** The authenticated user name (the principal's name); valid once {@link #isComplete()}. */
    String authorizationId();
}
