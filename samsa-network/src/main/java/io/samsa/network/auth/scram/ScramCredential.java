package io.samsa.network.auth.scram;

/**
 * What the broker stores for one user and SCRAM mechanism (RFC 5802): the salt, StoredKey = H(ClientKey),
 * ServerKey and the iteration count. Never the password, nor the salted password. The arrays are not copied:
 * treat them as read-only.
 */
public record ScramCredential(byte[] salt, byte[] storedKey, byte[] serverKey, int iterations) {
}
