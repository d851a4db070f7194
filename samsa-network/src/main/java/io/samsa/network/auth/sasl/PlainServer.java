package io.samsa.network.auth.sasl;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.Map;

import io.samsa.network.auth.SaslFailure;
import io.samsa.network.auth.SaslMechanismServer;

/**
 * The server side of SASL/PLAIN (RFC 4616): one message {@code authzid NUL user NUL password}, checked against
 * the users of the listener's JAAS config ({@code user_<name>="<password>"}, Kafka's PlainLoginModule options).
 * The failures the client sees are Kafka's messages. One instance per authentication; network thread only.
 */
public final class PlainServer implements SaslMechanismServer {
    public static final String MECHANISM = "PLAIN";
    private static final String USER_PREFIX = "user_";

    private final Map<String, String> passwords;
    private String authorizationId;

    /** @param passwords user name → password */
    public PlainServer(Map<String, String> passwords) {
        this.passwords = passwords;
    }

    /** The users of a PlainLoginModule's options: each {@code user_<name>} option is that user's password. */
    public static Map<String, String> usersFromJaasOptions(Map<String, String> options) {
        Map<String, String> users = new HashMap<>();
        options.forEach((key, value) -> {
            if (key.startsWith(USER_PREFIX) && key.length() > USER_PREFIX.length()) {
                users.put(key.substring(USER_PREFIX.length()), value);
            }
        });
        return Map.copyOf(users);
    }

    @Override
    public String mechanismName() {
        return MECHANISM;
    }

    @Override
    public byte[] evaluate(byte[] clientToken) throws SaslFailure {
        if (authorizationId != null) {
            throw SaslFailure.internal("Unexpected SASL/PLAIN message after completion");
        }
        String[] tokens = new String(clientToken, StandardCharsets.UTF_8).split("\u0000", -1);
        if (tokens.length != 3) {
            throw SaslFailure.internal("Invalid SASL/PLAIN response: expected 3 tokens, got " + tokens.length);
        }
        String authzid = tokens[0];
        String user = tokens[1];
        String password = tokens[2];
        if (user.isEmpty()) {
            throw SaslFailure.toClient("Authentication failed: username not specified");
        }
        if (password.isEmpty()) {
            throw SaslFailure.toClient("Authentication failed: password not specified");
        }
        if (!passwordMatches(passwords.get(user), password)) {
            throw SaslFailure.toClient("Authentication failed: Invalid username or password");
        }
        if (!authzid.isEmpty() && !authzid.equals(user)) {
            throw SaslFailure.toClient(
                    "Authentication failed: Client requested an authorization id that is different from username");
        }
        authorizationId = user;
        return new byte[0];
    }

    /**
     * Compares digests, so the time taken depends neither on where the passwords differ nor on their lengths; an
     * unknown user costs the same comparison.
     */
    private static boolean passwordMatches(String expected, String given) {
        byte[] a = sha256(expected == null ? "" : expected);
        byte[] b = sha256(given);
        return MessageDigest.isEqual(a, b) && expected != null;
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    @Override
    public boolean isComplete() {
        return authorizationId != null;
    }

    @Override
    public String authorizationId() {
        if (authorizationId == null) {
            throw new IllegalStateException("SASL/PLAIN exchange not complete");
        }
        return authorizationId;
    }
}
