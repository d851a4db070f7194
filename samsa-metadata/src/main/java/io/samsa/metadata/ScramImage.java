package io.samsa.metadata;

import java.util.Map;
import java.util.Set;

/** The SCRAM credentials of every user, by user and mechanism type; a user without credentials is absent. */
public record ScramImage(Map<String, Map<Byte, ScramCredentialRecord>> byUser) {
    public static final ScramImage EMPTY = new ScramImage(Map.of());

    public ScramImage {
        byUser = Map.copyOf(byUser);
    }

    /** The user's credential for the mechanism type, or null. */
    public ScramCredentialRecord credential(String user, byte mechanism) {
        return byUser.getOrDefault(user, Map.of()).get(mechanism);
    }

    /** The user's credentials by mechanism type (empty when none). */
    public Map<Byte, ScramCredentialRecord> credentials(String user) {
        return byUser.getOrDefault(user, Map.of());
    }

    public Set<String> users() {
        return byUser.keySet();
    }
}
