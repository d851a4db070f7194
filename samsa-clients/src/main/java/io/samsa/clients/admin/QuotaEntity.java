package io.samsa.clients.admin;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * What a client quota (KIP-546) applies to: a user and/or a client id, each a name or the default for its type
 * (a null name, as in Kafka's {@code ClientQuotaEntity}). Built with {@link #user}, {@link #defaultUser},
 * {@link #clientId}, {@link #defaultClientId} and combined with {@link #and}:
 * {@code QuotaEntity.user("alice").and(QuotaEntity.clientId("app"))}. Immutable; parts are kept sorted by type.
 */
public final class QuotaEntity {
    public static final String USER = "user";
    public static final String CLIENT_ID = "client-id";
    public static final String IP = "ip";

    /** Entity type to name; a null name is the type's default. */
    private final Map<String, String> parts;

    private QuotaEntity(Map<String, String> parts) {
        this.parts = Collections.unmodifiableMap(parts);
    }

    /** The entity of these parts (type to name, a null name for the default), as the brokers describe it. */
    public static QuotaEntity of(Map<String, String> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("A quota entity needs a user, a client id or an ip");
        }
        return new QuotaEntity(new TreeMap<>(parts));
    }

    public static QuotaEntity user(String name) {
        return single(USER, Objects.requireNonNull(name, "user"));
    }

    /** The default user: what every user without a quota of its own gets. */
    public static QuotaEntity defaultUser() {
        return single(USER, null);
    }

    public static QuotaEntity clientId(String id) {
        return single(CLIENT_ID, Objects.requireNonNull(id, "client id"));
    }

    /** The default client id: what every client id without a quota of its own gets. */
    public static QuotaEntity defaultClientId() {
        return single(CLIENT_ID, null);
    }

    private static QuotaEntity single(String type, String name) {
        Map<String, String> m = new TreeMap<>();
        m.put(type, name);
        return new QuotaEntity(m);
    }

    /** This entity with {@code other}'s parts too; one type twice is an {@link IllegalArgumentException}. */
    public QuotaEntity and(QuotaEntity other) {
        Map<String, String> m = new TreeMap<>(parts);
        other.parts.forEach((type, name) -> {
            if (m.containsKey(type)) {
                throw new IllegalArgumentException("The entity names " + type + " twice");
            }
            m.put(type, name);
        });
        return new QuotaEntity(m);
    }

    /** Entity type ({@link #USER}, {@link #CLIENT_ID}, {@link #IP}) to name, null for the default; sorted by type. */
    public Map<String, String> parts() {
        return parts;
    }

    /** The name of {@code type}'s part, or null when it has none or is the default. */
    public String name(String type) {
        return parts.get(type);
    }

    public boolean has(String type) {
        return parts.containsKey(type);
    }

    public boolean isDefault(String type) {
        return parts.containsKey(type) && parts.get(type) == null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QuotaEntity e && parts.equals(e.parts);
    }

    @Override
    public int hashCode() {
        return parts.hashCode();
    }

    /** {@code client-id=app, user=alice}; a default as {@code user=<default>}. */
    @Override
    public String toString() {
        StringJoiner j = new StringJoiner(", ");
        parts.forEach((type, name) -> j.add(type + "=" + (name == null ? "<default>" : name)));
        return j.toString();
    }
}
