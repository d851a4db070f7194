package io.samsa.network.server;

import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.function.Function;

import io.samsa.network.auth.Authenticator;
import io.samsa.network.tls.SslFactory;
import io.samsa.network.tls.SslPrincipalAuthenticator;
import io.samsa.network.tls.SslPrincipalMapper;
import io.samsa.network.tls.SslTransport;
import io.samsa.network.transport.TransportLayer;

/**
 * The channels of a TLS listener: an {@link SslTransport} in server mode per connection (engines from the
 * listener's {@code ssl.*} settings, loaded once here, so a bad setting fails the start), and an authenticator
 * over it: on an SSL listener the certificate's principal ({@link #ssl}); on a SASL_SSL listener the SASL
 * authenticator passed to the constructor, which runs over the TLS transport once its handshake is done.
 * Immutable; its methods run on the network thread that registers the connection.
 */
public final class SslChannelBuilder implements ChannelBuilder {
    private final SslFactory factory;
    private final Function<SslTransport, Authenticator> authenticators;

    /**
     * @param sslConfigs     the listener's {@code ssl.*} settings ({@link SslFactory#forServer})
     * @param authenticators makes each connection's authenticator over its TLS transport (SASL_SSL: the SASL one)
     */
    public SslChannelBuilder(Map<String, String> sslConfigs, Function<SslTransport, Authenticator> authenticators) {
        this.factory = SslFactory.forServer(sslConfigs);
        this.authenticators = authenticators;
    }

    /** An SSL listener: the principal comes from the client's certificate ({@code ssl.principal.mapping.rules}). */
    public static SslChannelBuilder ssl(Map<String, String> sslConfigs) {
        SslPrincipalMapper mapper = SslPrincipalMapper.fromRules(sslConfigs.get("ssl.principal.mapping.rules"));
        return new SslChannelBuilder(sslConfigs, transport -> new SslPrincipalAuthenticator(transport, mapper));
    }

    @Override
    public TransportLayer transport(SocketChannel socket) {
        Socket s = socket.socket();
        return new SslTransport(socket, factory.createEngine(s.getInetAddress().getHostAddress(), s.getPort()));
    }

    @Override
    public Authenticator authenticator(TransportLayer transport) {
        return authenticators.apply((SslTransport) transport);
    }
}
