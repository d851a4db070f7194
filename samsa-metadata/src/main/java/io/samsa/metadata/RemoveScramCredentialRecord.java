package io.samsa.metadata;

import java.util.Objects;

/** The user's SCRAM credential for {@code mechanism} (1 SCRAM-SHA-256, 2 SCRAM-SHA-512) is deleted. */
public record RemoveScramCredentialRecord(String user, byte mechanism) implements MetadataRecord {
    public RemoveScramCredentialRecord {
        Objects.requireNonNull(user, "user");
    }
}
