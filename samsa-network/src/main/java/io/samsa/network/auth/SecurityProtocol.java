package io.samsa.network.auth;

import java.util.Locale;

/** Kafka's security protocols, the values of {@code listener.security.protocol.map}; Samsa serves all four. */
public enum SecurityProtocol {
    PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL;

    /** The protocol of {@code name} (case-insensitive), or an {@link IllegalArgumentException} naming the valid ones. */
    public static SecurityProtocol forName(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown security protocol " + name
                    + " (one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL)", e);
        }
    }
}
