package io.samsa.network.auth.scram;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The SCRAM mechanisms Kafka supports (KIP-84), with the RFC 5802 functions over their hash: Hi (PBKDF2 with
 * HMAC), the client and server keys, and the credential the broker stores. The type ids are Kafka's (the
 * {@code mechanism} of DescribeUserScramCredentials / AlterUserScramCredentials). Stateless, thread-safe.
 */
public enum ScramMechanism {
    SCRAM_SHA_256((byte) 1, "SCRAM-SHA-256", "SHA-256", "HmacSHA256"),
    SCRAM_SHA_512((byte) 2, "SCRAM-SHA-512", "SHA-512", "HmacSHA512");

    /** Kafka's minimum: credentials with fewer iterations are refused, at creation and at login. */
    public static final int MIN_ITERATIONS = 4096;
    /** Kafka's maximum for AlterUserScramCredentials. */
    public static final int MAX_ITERATIONS = 16384;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte type;
    private final String mechanismName;
    private final String hashAlgorithm;
    private final String macAlgorithm;

    ScramMechanism(byte type, String mechanismName, String hashAlgorithm, String macAlgorithm) {
        this.type = type;
        this.mechanismName = mechanismName;
        this.hashAlgorithm = hashAlgorithm;
        this.macAlgorithm = macAlgorithm;
    }

    /** Kafka's id of the mechanism in the SCRAM credential APIs. */
    public byte type() {
        return type;
    }

    /** The SASL mechanism name, {@code SCRAM-SHA-256}. */
    public String mechanismName() {
        return mechanismName;
    }

    /** The mechanism of a SASL name, or null if it is not a SCRAM mechanism. */
    public static ScramMechanism forMechanismName(String name) {
        for (ScramMechanism m : values()) {
            if (m.mechanismName.equals(name)) {
                return m;
            }
        }
        return null;
    }

    /** The mechanism of a Kafka type id, or null. */
    public static ScramMechanism forType(byte type) {
        for (ScramMechanism m : values()) {
            if (m.type == type) {
                return m;
            }
        }
        return null;
    }

    /** RFC 5802 Hi(password, salt, iterations): PBKDF2 with this mechanism's HMAC, one block. */
    public byte[] saltedPassword(String password, byte[] salt, int iterations) {
        return saltedPassword(password.getBytes(StandardCharsets.UTF_8), salt, iterations);
    }

    /** As {@link #saltedPassword(String, byte[], int)}, for a password held as chars (cleared by the caller). */
    public byte[] saltedPassword(char[] password, byte[] salt, int iterations) {
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        Arrays.fill(encoded.array(), (byte) 0);
        try {
            return saltedPassword(bytes, salt, iterations);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    private byte[] saltedPassword(byte[] password, byte[] salt, int iterations) {
        if (iterations < 1) {
            throw new IllegalArgumentException("iterations must be positive: " + iterations);
        }
        Mac mac = mac(password);
        mac.update(salt);
        mac.update(new byte[] {0, 0, 0, 1});
        byte[] u = mac.doFinal();
        byte[] result = u.clone();
        for (int i = 1; i < iterations; i++) {
            u = mac.doFinal(u);
            for (int j = 0; j < result.length; j++) {
                result[j] ^= u[j];
            }
        }
        return result;
    }

    /**
     * The stored credential for a salted password: what AlterUserScramCredentials carries (the client salts and
     * hashes, the password never reaches the broker).
     */
    public ScramCredential credentialFromSaltedPassword(byte[] salt, byte[] saltedPassword, int iterations) {
        byte[] clientKey = hmac(saltedPassword, "Client Key".getBytes(StandardCharsets.US_ASCII));
        byte[] storedKey = hash(clientKey);
        byte[] serverKey = hmac(saltedPassword, "Server Key".getBytes(StandardCharsets.US_ASCII));
        return new ScramCredential(salt.clone(), storedKey, serverKey, iterations);
    }

    /** A new credential for {@code password} with a random 32-byte salt. */
    public ScramCredential credential(String password, int iterations) {
        byte[] salt = new byte[32];
        RANDOM.nextBytes(salt);
        return credentialFromSaltedPassword(salt, saltedPassword(password, salt, iterations), iterations);
    }

    /** As {@link #credential(String, int)}, for a password held as chars. */
    public ScramCredential credential(char[] password, int iterations) {
        byte[] salt = new byte[32];
        RANDOM.nextBytes(salt);
        return credentialFromSaltedPassword(salt, saltedPassword(password, salt, iterations), iterations);
    }

    /** HMAC(key, data) with this mechanism's hash. */
    public byte[] hmac(byte[] key, byte[] data) {
        return mac(key).doFinal(data);
    }

    /** H(data). */
    public byte[] hash(byte[] data) {
        try {
            return MessageDigest.getInstance(hashAlgorithm).digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(hashAlgorithm + " is not available", e);
        }
    }

    /** The length of this mechanism's keys in bytes. */
    int keyLength() {
        return this == SCRAM_SHA_256 ? 32 : 64;
    }

    private Mac mac(byte[] key) {
        try {
            Mac mac = Mac.getInstance(macAlgorithm);
            mac.init(new SecretKeySpec(key, macAlgorithm));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(macAlgorithm + " is not available", e);
        }
    }
}
