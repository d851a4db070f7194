package io.samsa.network.auth.sasl;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.samsa.network.auth.SaslMechanismServer;

/**
 * A SASL listener's mechanisms: the enabled names ({@code sasl.enabled.mechanisms}), listed in SaslHandshake
 * responses, and how to start each one's server side. Immutable, shared by the listener's connections.
 */
public final class SaslServerMechanisms {
    private final List<String> enabled;
    private final Map<String, Supplier<? extends SaslMechanismServer>> factories;

    /**
     * @param enabled the mechanisms clients may choose (duplicates dropped)
     * @param available a server factory per mechanism name; every enabled mechanism needs one
     * @throws IllegalArgumentException if none is enabled, or an enabled one cannot be served
     */
    public SaslServerMechanisms(List<String> enabled, Map<String, Supplier<? extends SaslMechanismServer>> available) {
        if (enabled.isEmpty()) {
            throw new IllegalArgumentException("No SASL mechanisms are enabled");
        }
        for (String mechanism : enabled) {
            if (!available.containsKey(mechanism)) {
                throw new IllegalArgumentException("SASL mechanism " + mechanism + " is enabled but not supported"
                        + " or not configured (available: " + available.keySet() + ")");
            }
        }
        this.enabled = List.copyOf(new LinkedHashSet<>(enabled));
        this.factories = Map.copyOf(available);
    }

    /** The enabled mechanism names, in configuration order. */
    public List<String> enabled() {
        return enabled;
    }

    /** A new server for {@code mechanism}; null if it is not enabled. */
    SaslMechanismServer start(String mechanism) {
        return enabled.contains(mechanism) ? factories.get(mechanism).get() : null;
    }

    /** The enabled names as a mutable list, for a SaslHandshake response. */
    List<String> enabledForResponse() {
        return new ArrayList<>(enabled);
    }
}
