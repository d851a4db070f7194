package io.samsa.network.auth.scram;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

import io.samsa.network.auth.SaslFailure;
import io.samsa.network.auth.SaslMechanismClient;
import io.samsa.protocol.ScramMechanism;

/**
 * The client side of SCRAM-SHA-256/512 (RFC 5802, as Kafka's clients do it: no channel binding, no authzid):
 * client-first, then client-final for the server's first message, then a check of the server's signature.
 * One instance per authentication; the client's I/O thread only.
 */
public final class ScramClient implements SaslMechanismClient {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ScramMechanism mechanism;
    private final String user;
    private final String password;
    private final String clientNonce;
    private String clientFirstBare;
    private byte[] expectedServerSignature;
    private boolean complete;

    public ScramClient(ScramMechanism mechanism, String user, String password) {
        this.mechanism = mechanism;
        this.user = user;
        this.password = password;
        byte[] nonce = new byte[24];
        RANDOM.nextBytes(nonce);
        this.clientNonce = Base64.getEncoder().withoutPadding().encodeToString(nonce);
    }

    @Override
    public String mechanismName() {
        return mechanism.mechanismName();
    }

    @Override
    public byte[] initialResponse() {
        clientFirstBare = "n=" + ScramMessages.escape(user) + ",r=" + clientNonce;
        return ("n,," + clientFirstBare).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] evaluate(byte[] challenge) throws SaslFailure {
        String message = new String(challenge, StandardCharsets.UTF_8);
        if (expectedServerSignature == null) {
            return clientFinal(message);
        }
        byte[] expected = ScramMessages.serverFinal(expectedServerSignature).getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(challenge, expected)) {
            throw SaslFailure.toClient("Invalid server signature in SCRAM server final message: " + message);
        }
        complete = true;
        return null;
    }

    private byte[] clientFinal(String serverFirst) throws SaslFailure {
        String nonce = null;
        byte[] salt = null;
        int iterations = -1;
        try {
            for (String attribute : serverFirst.split(",")) {
                if (attribute.startsWith("r=")) {
                    nonce = attribute.substring(2);
                } else if (attribute.startsWith("s=")) {
                    salt = Base64.getDecoder().decode(attribute.substring(2));
                } else if (attribute.startsWith("i=")) {
                    iterations = Integer.parseInt(attribute.substring(2));
                }
            }
        } catch (IllegalArgumentException e) {
            throw SaslFailure.toClient("Invalid SCRAM server first message: " + e.getMessage());
        }
        if (nonce == null || salt == null || !nonce.startsWith(clientNonce) || nonce.length() == clientNonce.length()) {
            throw SaslFailure.toClient("Invalid SCRAM server first message");
        }
        if (iterations < ScramMechanism.MIN_ITERATIONS) {
            throw SaslFailure.toClient("Requested iterations " + iterations + " is less than the minimum "
                    + ScramMechanism.MIN_ITERATIONS + " for " + mechanism.mechanismName());
        }
        String withoutProof = "c=biws,r=" + nonce;
        byte[] salted = mechanism.saltedPassword(password, salt, iterations);
        byte[] clientKey = mechanism.hmac(salted, "Client Key".getBytes(StandardCharsets.US_ASCII));
        byte[] authMessage = (clientFirstBare + "," + serverFirst + "," + withoutProof)
                .getBytes(StandardCharsets.UTF_8);
        byte[] signature = mechanism.hmac(mechanism.hash(clientKey), authMessage);
        byte[] proof = new byte[clientKey.length];
        for (int i = 0; i < proof.length; i++) {
            proof[i] = (byte) (clientKey[i] ^ signature[i]);
        }
        byte[] serverKey = mechanism.hmac(salted, "Server Key".getBytes(StandardCharsets.US_ASCII));
        expectedServerSignature = mechanism.hmac(serverKey, authMessage);
        return (withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof)).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public boolean isComplete() {
        return complete;
    }
}
