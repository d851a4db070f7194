package io.samsa.network.auth.scram;

import java.security.SecureRandom;

import io.samsa.protocol.ScramMechanism;

/**
 * What the broker stores for one user and SCRAM mechanism (RFC 5802): the salt, StoredKey = H(ClientKey),
 * ServerKey and the iteration count. Never the password, nor the salted password. The arrays are not copied:
 * treat them as read-only.
 */
public record ScramCredential(byte[] salt, byte[] storedKey, byte[] serverKey, int iterations) {
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * The stored credential for a salted password: what AlterUserScramCredentials carries (the client salts and
     * hashes, the password never reaches the broker).
     */
    public static ScramCredential fromSaltedPassword(ScramMechanism mechanism, byte[] salt, byte[] saltedPassword,
                                                     int iterations) {
        return new ScramCredential(salt.clone(), mechanism.storedKey(mechanism.clientKey(saltedPassword)),
                mechanism.serverKey(saltedPassword), iterations);
    }

    /** A new credential for {@code password} with a random 32-byte salt. */
    public static ScramCredential create(ScramMechanism mechanism, String password, int iterations) {
        byte[] salt = new byte[32];
        RANDOM.nextBytes(salt);
        return fromSaltedPassword(mechanism, salt, mechanism.saltedPassword(password, salt, iterations), iterations);
    }
}
