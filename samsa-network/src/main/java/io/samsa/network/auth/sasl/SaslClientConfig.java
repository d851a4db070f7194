package io.samsa.network.auth.sasl;

import java.util.Locale;

import io.samsa.network.auth.JaasConfig;
import io.samsa.network.auth.SaslMechanismClient;
import io.samsa.network.auth.scram.ScramClient;
import io.samsa.protocol.ScramMechanism;

/**
 * A client's SASL settings in Kafka's names: {@code sasl.mechanism} and the {@code username} / {@code password}
 * options of {@code sasl.jaas.config} (PlainLoginModule or ScramLoginModule). Immutable; makes one mechanism client
 * per connection.
 */
public record SaslClientConfig(String mechanism, String username, String password) {

    /**
     * From {@code sasl.mechanism} and {@code sasl.jaas.config}.
     *
     * @throws IllegalArgumentException for a mechanism Samsa's clients do not speak, or a config without credentials
     */
    public static SaslClientConfig of(String mechanism, String jaasConfig) {
        String name = mechanism.trim().toUpperCase(Locale.ROOT);
        if (!name.equals(PlainServer.MECHANISM) && ScramMechanism.forName(name) == null) {
            throw new IllegalArgumentException("sasl.mechanism " + mechanism + " is not supported (PLAIN,"
                    + " SCRAM-SHA-256, SCRAM-SHA-512)");
        }
        if (jaasConfig == null || jaasConfig.isBlank()) {
            throw new IllegalArgumentException("sasl.jaas.config must be set for sasl.mechanism " + name);
        }
        JaasConfig jaas = JaasConfig.parse(jaasConfig);
        String username = jaas.option("username");
        String password = jaas.option("password");
        if (username == null || password == null) {
            throw new IllegalArgumentException("sasl.jaas.config for " + name + " needs username and password options");
        }
        return new SaslClientConfig(name, username, password);
    }

    /** A new client side of the mechanism, for one connection. */
    public SaslMechanismClient newMechanismClient() {
        ScramMechanism scram = ScramMechanism.forName(mechanism);
        return scram == null ? new PlainClient(username, password) : new ScramClient(scram, username, password);
    }

    @Override
    public String toString() {
        return "SaslClientConfig[" + mechanism + ", " + username + "]"; // no password in logs
    }
}
