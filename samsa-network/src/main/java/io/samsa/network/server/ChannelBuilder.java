package io.samsa.network.server;

import java.nio.channels.SocketChannel;
import java.util.Map;

import io.samsa.network.auth.Authenticator;
import io.samsa.network.transport.PlaintextTransport;
import io.samsa.network.transport.TransportLayer;

/**
 * Makes the transport and the authenticator of each connection accepted on one listener, by its security
 * protocol. Called on the network thread that registers the connection.
 */
public interface ChannelBuilder {

    TransportLayer transport(SocketChannel socket);

    Authenticator authenticator(TransportLayer transport);

    /** Plaintext, anonymous: what a PLAINTEXT listener does. */
    ChannelBuilder PLAINTEXT = new ChannelBuilder() {
        @Override
        public TransportLayer transport(SocketChannel socket) {
            return new PlaintextTransport(socket);
        }

        @Override
        public Authenticator authenticator(TransportLayer transport) {
            return Authenticator.anonymous();
        }
    };

    /** The builder for a listener without settings: PLAINTEXT; an SSL listener fails for want of a keystore. */
    static ChannelBuilder forEndpoint(Endpoint endpoint) {
        return forEndpoint(endpoint, Map.of());
    }

    /**
     * The builder for a listener from its settings ({@code ssl.*}, {@code ssl.principal.mapping.rules}): PLAINTEXT
     * or SSL; the SASL protocols fail the start with a clear message until their authenticator exists (SASL_SSL
     * will be {@code new SslChannelBuilder(configs, saslAuthenticators)}). A bad setting throws an
     * {@link IllegalArgumentException} naming the listener and the key.
     */
    static ChannelBuilder forEndpoint(Endpoint endpoint, Map<String, String> configs) {
        try {
            return switch (endpoint.securityProtocol()) {
                case PLAINTEXT -> PLAINTEXT;
                case SSL -> SslChannelBuilder.ssl(configs);
                default -> throw new IllegalArgumentException("security protocol " + endpoint.securityProtocol()
                        + " is not supported yet (PLAINTEXT and SSL are)");
            };
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Listener " + endpoint.listenerName() + ": " + e.getMessage(), e);
        }
    }
}
