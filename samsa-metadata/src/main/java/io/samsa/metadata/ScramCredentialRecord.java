package io.samsa.metadata;

import java.util.Arrays;
import java.util.Objects;

/**
 * A user's SCRAM credential for one mechanism (KIP-84/KIP-554), replacing any earlier one: the salt, the
 * iteration count and the two keys a server needs to check a client's proof and prove itself ({@code StoredKey},
 * {@code ServerKey} of RFC 5802). The password, and the salted password a client sent, are never stored.
 *
 * @param mechanism Kafka's SCRAM mechanism type on the wire: 1 SCRAM-SHA-256, 2 SCRAM-SHA-512
 */
public record ScramCredentialRecord(String user, byte mechanism, byte[] salt, byte[] storedKey, byte[] serverKey,
                                    int iterations) implements MetadataRecord {
    public ScramCredentialRecord {
        Objects.requireNonNull(user, "user");
        salt = salt.clone();
        storedKey = storedKey.clone();
        serverKey = serverKey.clone();
    }

    @Override
    public byte[] salt() {
        return salt.clone();
    }

    @Override
    public byte[] storedKey() {
        return storedKey.clone();
    }

    @Override
    public byte[] serverKey() {
        return serverKey.clone();
    }

    // Arrays compare by content: a snapshot diff must see an unchanged credential as unchanged.
    @Override
    public boolean equals(Object o) {
        return o instanceof ScramCredentialRecord r && user.equals(r.user) && mechanism == r.mechanism
                && iterations == r.iterations && Arrays.equals(salt, r.salt) && Arrays.equals(storedKey, r.storedKey)
                && Arrays.equals(serverKey, r.serverKey);
    }

    @Override
    public int hashCode() {
        return Objects.hash(user, mechanism, iterations, Arrays.hashCode(salt), Arrays.hashCode(storedKey),
                Arrays.hashCode(serverKey));
    }

    @Override
    public String toString() {
        // Never the keys: this string reaches logs.
        return "ScramCredentialRecord[user=" + user + ", mechanism=" + mechanism + ", iterations=" + iterations + "]";
    }
}
