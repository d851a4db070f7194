package io.samsa.network.auth.scram;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.function.UnaryOperator;
import io.samsa.protocol.ScramMechanism;

/**
 * A SCRAM client written for the tests from RFC 5802, so that a test can choose the nonce of its
 * client-final-message (librdkafka's legacy form, a wrong one). Built on {@link ScramMechanism}'s functions,
 * which the RFC 7677 vector checks independently.
 */
public final class TestScramClient {
    private final ScramMechanism mechanism;
    private final String user;
    private final String password;
    private final String clientNonce;
    private String clientFirstBare;
    private byte[] expectedServerSignature;

    public TestScramClient(ScramMechanism mechanism, String user, String password, String clientNonce) {
        this.mechanism = mechanism;
        this.user = user;
        this.password = password;
        this.clientNonce = clientNonce;
    }

    public String clientNonce() {
        return clientNonce;
    }

    /** client-first-message with the GS2 header {@code n,,} (or with an authzid). */
    public byte[] first(String authzid) {
        clientFirstBare = "n=" + ScramMessages.escape(user) + ",r=" + clientNonce;
        String gs2 = authzid == null ? "n,," : "n,a=" + ScramMessages.escape(authzid) + ",";
        return (gs2 + clientFirstBare).getBytes(StandardCharsets.UTF_8);
    }

    public byte[] first() {
        return first(null);
    }

    /**
     * client-final-message for the server's first message, with the nonce {@code nonceForm} makes of the
     * combined nonce (identity for the RFC's form); the proof is computed over the message as sent.
     */
    public byte[] last(byte[] serverFirstBytes, UnaryOperator<String> nonceForm) {
        String serverFirst = new String(serverFirstBytes, StandardCharsets.UTF_8);
        String combined = null;
        byte[] salt = null;
        int iterations = 0;
        for (String attribute : serverFirst.split(",")) {
            String value = attribute.substring(2);
            switch (attribute.charAt(0)) {
                case 'r' -> combined = value;
                case 's' -> salt = Base64.getDecoder().decode(value);
                case 'i' -> iterations = Integer.parseInt(value);
                default -> { }
            }
        }
        if (combined == null || !combined.startsWith(clientNonce)) {
            throw new IllegalStateException("server nonce does not extend the client's: " + serverFirst);
        }
        String withoutProof = "c=biws,r=" + nonceForm.apply(combined);
        byte[] salted = mechanism.saltedPassword(password, salt, iterations);
        byte[] clientKey = mechanism.hmac(salted, "Client Key".getBytes(StandardCharsets.US_ASCII));
        byte[] storedKey = mechanism.hash(clientKey);
        byte[] authMessage = (clientFirstBare + "," + serverFirst + "," + withoutProof).getBytes(StandardCharsets.UTF_8);
        byte[] signature = mechanism.hmac(storedKey, authMessage);
        byte[] proof = new byte[clientKey.length];
        for (int i = 0; i < proof.length; i++) {
            proof[i] = (byte) (clientKey[i] ^ signature[i]);
        }
        byte[] serverKey = mechanism.hmac(salted, "Server Key".getBytes(StandardCharsets.US_ASCII));
        expectedServerSignature = mechanism.hmac(serverKey, authMessage);
        return (withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof)).getBytes(StandardCharsets.UTF_8);
    }

    /** Whether the server's final message proves it knew the credential. */
    public boolean serverVerified(byte[] serverFinal) {
        return new String(serverFinal, StandardCharsets.UTF_8)
                .equals("v=" + Base64.getEncoder().encodeToString(expectedServerSignature));
    }
}
