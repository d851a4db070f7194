package io.samsa.network.auth;

/**
 * The client side of one SASL mechanism's exchange (PLAIN, SCRAM-SHA-*) on one connection: the initial token,
 * then one token per server challenge until complete. One instance per authentication; used only on the
 * client's I/O thread.
 */
public interface SaslMechanismClient {

    /** The SASL name sent in SaslHandshake. */
    String mechanismName();

    /** The first token, sent without a challenge (both PLAIN and SCRAM start with the client). */
    byte[] initialResponse() throws SaslFailure;

    /**
     * Evaluates the server's token.
     *
     * @return the next token to send, or null when there is nothing more to send
     * @throws SaslFailure when the server's token is wrong (a SCRAM server that cannot prove the credential)
     */
    byte[] evaluate(byte[] challenge) throws SaslFailure;

    /** True once the exchange succeeded from the client's side. */
    boolean isComplete();
}
