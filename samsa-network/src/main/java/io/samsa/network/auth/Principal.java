package io.samsa.network.auth;

import java.util.Objects;

/**
 * Who a connection authenticated as: Kafka's principal type and name ({@code User:alice}). Samsa's own value, so
 * that handlers and (later) ACLs do not depend on kafka-clients' security classes.
 */
public record Principal(String type, String name) {
    /** The principal of every connection that does not authenticate (plaintext, SSL without client auth). */
    public static final Principal ANONYMOUS = new Principal("User", "ANONYMOUS");

    public Principal {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(name, "name");
    }

    @Override
    public String toString() {
        return type + ":" + name;
    }
}
