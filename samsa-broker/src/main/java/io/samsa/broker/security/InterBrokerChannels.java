package io.samsa.broker.security;

import java.util.Locale;

import io.samsa.broker.config.ListenerSecurity;
import io.samsa.network.auth.SecurityProtocol;
import io.samsa.network.auth.sasl.SaslClientConfig;
import io.samsa.network.client.ClientChannels;
import io.samsa.network.client.NetworkIo;
import io.samsa.network.tls.SslFactory;

/**
 * How this broker connects to the other brokers (replica fetchers, transaction markers and verification): as a
 * client of their inter-broker listener, in its security protocol, with Kafka's rules for the broker's own side —
 * the listener's {@code ssl.*} settings (its keystore is the certificate shown to a listener that asks for one), and
 * for SASL the mechanism {@code sasl.mechanism.inter.broker.protocol} with the {@code username} and
 * {@code password} options of that mechanism's JAAS line on the listener. Everything is loaded when this is built,
 * at start, so a bad setting stops the broker with a message naming the key. Immutable; {@link #newNetworkIo} may
 * be called from any thread.
 */
public final class InterBrokerChannels {
    /** Plaintext, as {@code User:ANONYMOUS}: a single node, or an inter-broker listener without security. */
    public static final InterBrokerChannels PLAINTEXT = new InterBrokerChannels(SecurityProtocol.PLAINTEXT,
            ClientChannels.PLAINTEXT);
    /** Kafka's key naming the mechanism brokers authenticate to each other with (default GSSAPI). */
    public static final String MECHANISM_KEY = "sasl.mechanism.inter.broker.protocol";

    private final SecurityProtocol protocol;
    private final ClientChannels channels;

    private InterBrokerChannels(SecurityProtocol protocol, ClientChannels channels) {
        this.protocol = protocol;
        this.channels = channels;
    }

    /**
     * The channels to brokers' listener {@code listener}.
     *
     * @param saslMechanism {@code sasl.mechanism.inter.broker.protocol}; used only when the listener speaks SASL
     * @throws IllegalArgumentException naming the key, for a mechanism the listener does not enable or credentials
     *     missing from its JAAS line, or TLS stores that do not load
     */
    public static InterBrokerChannels forListener(ListenerSecurity listener, String saslMechanism) {
        if (listener.protocol() == SecurityProtocol.PLAINTEXT) {
            return PLAINTEXT;
        }
        SslFactory ssl = listener.usesSsl() ? SslFactory.forClient(listener.ssl()) : null;
        SaslClientConfig sasl = listener.usesSasl() ? saslClient(listener, saslMechanism) : null;
        return new InterBrokerChannels(listener.protocol(), new ClientChannels(ssl, sasl));
    }

    private static SaslClientConfig saslClient(ListenerSecurity listener, String saslMechanism) {
        String mechanism = saslMechanism.trim().toUpperCase(Locale.ROOT);
        if (!listener.saslMechanisms().contains(mechanism)) {
            throw new IllegalArgumentException(MECHANISM_KEY + "=" + saslMechanism + " is not enabled on the"
                    + " inter-broker listener " + listener.listenerName() + " " + listener.saslMechanisms()
                    + "; brokers authenticate to each other with one of those (Kafka's default is GSSAPI)");
        }
        String jaasKey = "listener.name." + listener.listenerName().toLowerCase(Locale.ROOT) + "."
                + mechanism.toLowerCase(Locale.ROOT) + ".sasl.jaas.config";
        String jaas = listener.jaasConfigs().get(mechanism);
        if (jaas == null) {
            throw new IllegalArgumentException(jaasKey + " is not set: the broker needs the username and password"
                    + " it authenticates to other brokers with (" + MECHANISM_KEY + "=" + mechanism + ")");
        }
        try {
            return SaslClientConfig.of(mechanism, jaas);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(jaasKey + ": " + e.getMessage() + " (the broker's own credentials for "
                    + MECHANISM_KEY + "=" + mechanism + ")", e);
        }
    }

    /** Connections to other brokers, in the inter-broker listener's protocol. */
    public NetworkIo newNetworkIo(String clientId, long requestTimeoutMs, long reconnectBackoffMs,
                                  int sendBufferBytes) {
        return channels.newNetworkIo(clientId, requestTimeoutMs, reconnectBackoffMs, sendBufferBytes);
    }

    @Override
    public String toString() {
        SaslClientConfig sasl = channels.sasl();
        return protocol + (sasl == null ? "" : "/" + sasl.mechanism() + " as " + sasl.username());
    }
}
