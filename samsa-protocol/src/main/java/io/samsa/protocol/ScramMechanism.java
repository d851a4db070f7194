package io.samsa.protocol;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Kafka's SCRAM mechanisms (KIP-84, KIP-554): the name a client puts in SaslHandshake, the type id of
 * AlterUserScramCredentials and DescribeUserScramCredentials, and the key derivation of RFC 5802 that both the
 * controller (storing a credential) and the SASL server (checking a proof) need. Here because both sides depend on
 * this module and nothing else in common. Stateless and thread-safe.
 */
public enum ScramMechanism {
    SCRAM_SHA_256((byte) 1, "SCRAM-SHA-256", "SHA-256", "HmacSHA256"),
    SCRAM_SHA_512((byte) 2, "SCRAM-SHA-512", "SHA-512", "HmacSHA512");

    /** Kafka's bounds on a credential's iteration count (ScramMechanism.minIterations and the controller's max). */
    public static final int MIN_ITERATIONS = 4096;
    public static final int MAX_ITERATIONS = 16384;

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

    public byte type() {
        return type;
    }

    /** The SASL mechanism name: {@code SCRAM-SHA-256}, {@code SCRAM-SHA-512}. */
    public String mechanismName() {
        return mechanismName;
    }

    /** The mechanism of a wire type id, or null for an unknown one (0 is Kafka's UNKNOWN). */
    public static ScramMechanism forType(byte type) {
        for (ScramMechanism m : values()) {
            if (m.type == type) {
                return m;
            }
        }
        return null;
    }

    /** The mechanism of a SASL mechanism name, or null. */
    public static ScramMechanism forName(String name) {
        for (ScramMechanism m : values()) {
            if (m.mechanismName.equals(name)) {
                return m;
            }
        }
        return null;
    }

    /** {@code Hi(password, salt, iterations)} of RFC 5802: PBKDF2 with this mechanism's HMAC, one block. */
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

    // Written out rather than the JDK's PBKDF2 key factory, which refuses an empty salt or password instead of
    // computing what RFC 5802 defines; a client may send either.
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

    /** {@code ClientKey = HMAC(SaltedPassword, "Client Key")}. */
    public byte[] clientKey(byte[] saltedPassword) {
        return hmac(saltedPassword, "Client Key".getBytes(StandardCharsets.US_ASCII));
    }

    /** {@code StoredKey = H(ClientKey)}. */
    public byte[] storedKey(byte[] clientKey) {
        return hash(clientKey);
    }

    /** {@code ServerKey = HMAC(SaltedPassword, "Server Key")}. */
    public byte[] serverKey(byte[] saltedPassword) {
        return hmac(saltedPassword, "Server Key".getBytes(StandardCharsets.US_ASCII));
    }

    /** HMAC(key, data) with this mechanism's hash. */
    public byte[] hmac(byte[] key, byte[] data) {
        return mac(key).doFinal(data);
    }

    private Mac mac(byte[] key) {
        try {
            Mac mac = Mac.getInstance(macAlgorithm);
            mac.init(new SecretKeySpec(key, macAlgorithm));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(macAlgorithm + " is part of every Java 17 runtime", e);
        }
    }

    /** H(data). */
    public byte[] hash(byte[] data) {
        try {
            return MessageDigest.getInstance(hashAlgorithm).digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(hashAlgorithm + " is part of every Java 17 runtime", e);
        }
    }

    /** The length of this mechanism's keys (its hash) in bytes. */
    public int keyLength() {
        return this == SCRAM_SHA_256 ? 32 : 64;
    }
}
