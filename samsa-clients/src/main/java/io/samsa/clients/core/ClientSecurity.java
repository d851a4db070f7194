package io.samsa.clients.core;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.config.types.Password;

import io.samsa.network.auth.SecurityProtocol;
import io.samsa.network.auth.sasl.SaslClientConfig;
import io.samsa.network.client.ClientChannels;
import io.samsa.network.client.NetworkIo;
import io.samsa.network.tls.SslFactory;

/**
 * How a client reaches its brokers, from Kafka's client config names: {@code security.protocol} (PLAINTEXT, SSL,
 * SASL_PLAINTEXT, SASL_SSL), the {@code ssl.*} settings for the TLS protocols and {@code sasl.mechanism} with
 * {@code sasl.jaas.config} for the SASL ones. Everything is loaded and checked when it is read (keystores,
 * truststores, the JAAS text), so a bad setting fails the client's constructor with a {@link ConfigException}
 * naming the key rather than every connection later. GSSAPI, Kafka's default mechanism, is refused by name: the
 * clients speak PLAIN and SCRAM only. Immutable; {@link #newNetworkIo} may be called from any thread.
 */
public final class ClientSecurity {
    private static final String HIDDEN = "[hidden]";
    private static final ClientSecurity PLAINTEXT = new ClientSecurity(SecurityProtocol.PLAINTEXT,
            ClientChannels.PLAINTEXT);

    private final SecurityProtocol protocol;
    /** TLS unless PLAINTEXT or SASL_PLAINTEXT; SASL unless PLAINTEXT or SSL. */
    private final ClientChannels channels;

    private ClientSecurity(SecurityProtocol protocol, ClientChannels channels) {
        this.protocol = protocol;
        this.channels = channels;
    }

    /** Plaintext, unauthenticated: Kafka's default. */
    public static ClientSecurity plaintext() {
        return PLAINTEXT;
    }

    /** Reads {@code security.protocol}, {@code ssl.*} and {@code sasl.*} from one of Kafka's client configs. */
    public static ClientSecurity from(AbstractConfig config) {
        String name = config.getString(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG);
        SecurityProtocol protocol;
        try {
            protocol = SecurityProtocol.forName(name);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, name, e.getMessage());
        }
        if (protocol == SecurityProtocol.PLAINTEXT) {
            return PLAINTEXT;
        }
        boolean tls = protocol == SecurityProtocol.SSL || protocol == SecurityProtocol.SASL_SSL;
        boolean saslOn = protocol == SecurityProtocol.SASL_PLAINTEXT || protocol == SecurityProtocol.SASL_SSL;
        return new ClientSecurity(protocol, new ClientChannels(tls ? sslFactory(config) : null,
                saslOn ? saslConfig(config) : null));
    }

    public SecurityProtocol protocol() {
        return protocol;
    }

    /** The SASL mechanism in use, or null without SASL. */
    public String saslMechanism() {
        return channels.sasl() == null ? null : channels.sasl().mechanism();
    }

    /** A client's connections, speaking TLS and authenticating as configured. */
    public NetworkIo newNetworkIo(String clientId, long requestTimeoutMs, long reconnectBackoffMs,
                                  int sendBufferBytes) {
        return channels.newNetworkIo(clientId, requestTimeoutMs, reconnectBackoffMs, sendBufferBytes);
    }

    private static SslFactory sslFactory(AbstractConfig config) {
        Class<?> engineFactory = config.getClass(SslConfigs.SSL_ENGINE_FACTORY_CLASS_CONFIG);
        if (engineFactory != null) { // silently ignoring it would speak TLS the user did not configure
            throw new ConfigException(SslConfigs.SSL_ENGINE_FACTORY_CLASS_CONFIG, engineFactory.getName(),
                    "Samsa's clients build their TLS engines from the ssl.* settings; a custom engine factory is not"
                            + " supported");
        }
        Map<String, String> ssl = new HashMap<>();
        for (Map.Entry<String, ?> e : config.values().entrySet()) {
            if (e.getKey().startsWith("ssl.") && e.getValue() != null
                    && !e.getKey().equals(SslConfigs.SSL_ENGINE_FACTORY_CLASS_CONFIG)) {
                ssl.put(e.getKey(), text(e.getValue()));
            }
        }
        try {
            return SslFactory.forClient(ssl);
        } catch (IllegalArgumentException e) {
            // SslFactory's messages start with the key they are about
            throw new ConfigException("Invalid TLS configuration: " + e.getMessage());
        }
    }

    private static SaslClientConfig saslConfig(AbstractConfig config) {
        String mechanism = config.getString(SaslConfigs.SASL_MECHANISM);
        if ("GSSAPI".equals(mechanism.trim().toUpperCase(Locale.ROOT))) {
            throw new ConfigException(SaslConfigs.SASL_MECHANISM, mechanism, "GSSAPI (Kerberos, Kafka's default) is"
                    + " not supported by Samsa's clients; set sasl.mechanism to PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512");
        }
        Password jaas = config.getPassword(SaslConfigs.SASL_JAAS_CONFIG);
        try {
            return SaslClientConfig.of(mechanism, jaas == null ? null : jaas.value());
        } catch (IllegalArgumentException e) {
            String key = e.getMessage().startsWith(SaslConfigs.SASL_MECHANISM + " ") ? SaslConfigs.SASL_MECHANISM
                    : SaslConfigs.SASL_JAAS_CONFIG;
            throw new ConfigException(key, key.equals(SaslConfigs.SASL_MECHANISM) ? mechanism : HIDDEN,
                    e.getMessage());
        }
    }

    private static String text(Object value) {
        if (value instanceof Password p) {
            return p.value();
        }
        if (value instanceof List<?> list) {
            return String.join(",", list.stream().map(String::valueOf).toList());
        }
        return String.valueOf(value);
    }

    @Override
    public String toString() {
        return protocol + (channels.sasl() == null ? "" : "/" + channels.sasl().mechanism()); // no secrets
    }
}
