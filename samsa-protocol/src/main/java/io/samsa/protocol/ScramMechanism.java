package io.samsa.protocol;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.spec.KeySpec;

import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Kafka's SCRAM mechanisms (KIP-84, KIP-554): the name a client puts in SaslHandshake, the type id of
 * AlterUserScramCredentials and DescribeUserScramCredentials, and the key derivation of RFC 5802 that both the
 * controller (storing a credential) and the SASL server (checking a proof) need. Here because both sides depend on
 * this module and nothing else in common. Stateless and thread-safe.
 */
public enum ScramMechanism {
    SCRAM_SHA_256((byte) 1, "SCRAM-SHA-256", "SHA-256", "HmacSHA256", "PBKDF2WithHmacSHA256"),
    SCRAM_SHA_512((byte) 2, "SCRAM-SHA-512", "SHA-512", "HmacSHA512", "PBKDF2WithHmacSHA512");

    /** Kafka's bounds on a credential's iteration count (ScramMechanism.minIterations and the controller's max). */
    public static final int MIN_ITERATIONS = 4096;
    public static final int MAX_ITERATIONS = 16384;

    private final byte type;
    private final String mechanismName;
    private final String hashAlgorithm;
    private final String macAlgorithm;
    private final String pbkdf2Algorithm;

    ScramMechanism(byte type, String mechanismName, String hashAlgorithm, String macAlgorithm,
                   String pbkdf2Algorithm) {
        this.type = type;
        this.mechanismName = mechanismName;
        this.hashAlgorithm = hashAlgorithm;
        this.macAlgorithm = macAlgorithm;
        this.pbkdf2Algorithm = pbkdf2Algorithm;
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

    /** {@code Hi(password, salt, iterations)} of RFC 5802: PBKDF2 with this mechanism's HMAC. */
    public byte[] saltedPassword(String password, byte[] salt, int iterations) {
        try {
            KeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, digestLength() * 8);
            return SecretKeyFactory.getInstance(pbkdf2Algorithm).generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(pbkdf2Algorithm + " is part of every Java 17 runtime", e);
        }
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

    public byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance(macAlgorithm);
            mac.init(new SecretKeySpec(key, macAlgorithm));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(macAlgorithm + " is part of every Java 17 runtime", e);
        }
    }

    public byte[] hash(byte[] data) {
        try {
            return MessageDigest.getInstance(hashAlgorithm).digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(hashAlgorithm + " is part of every Java 17 runtime", e);
        }
    }

    private int digestLength() {
        return this == SCRAM_SHA_256 ? 32 : 64;
    }
}
