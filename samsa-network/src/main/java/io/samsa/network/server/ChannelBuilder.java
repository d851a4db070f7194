package io.samsa.network.server;

import java.nio.channels.SocketChannel;

import io.samsa.network.auth.Authenticator;
import io.samsa.network.auth.SecurityProtocol;
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

    /** The builder for a listener; only PLAINTEXT exists yet, the others fail the start with a clear message. */
    static ChannelBuilder forEndpoint(Endpoint endpoint) {
        if (endpoint.securityProtocol() != SecurityProtocol.PLAINTEXT) {
            throw new IllegalArgumentException("Listener " + endpoint.listenerName() + ": security protocol "
                    + endpoint.securityProtocol() + " is not supported yet (only PLAINTEXT)");
        }
        return PLAINTEXT;
    }
}
