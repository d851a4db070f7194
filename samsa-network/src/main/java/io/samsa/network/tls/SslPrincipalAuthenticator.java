package io.samsa.network.tls;

import java.io.IOException;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.security.auth.x500.X500Principal;

import io.samsa.network.auth.Authenticator;
import io.samsa.network.auth.Principal;

/**
 * The authenticator of SSL listeners: nothing to exchange after the TLS handshake; the peer is
 * {@code User:<mapped DN>} when it presented a certificate ({@code ssl.principal.mapping.rules} over the RFC 2253
 * distinguished name), else {@code User:ANONYMOUS}, as Kafka's default principal builder does. A DN that no rule
 * maps fails the connection. One instance per connection, on its network thread.
 */
public final class SslPrincipalAuthenticator implements Authenticator {
    private final SslTransport transport;
    private final SslPrincipalMapper mapper;
    private Principal principal;

    public SslPrincipalAuthenticator(SslTransport transport, SslPrincipalMapper mapper) {
        this.transport = transport;
        this.mapper = mapper;
    }

    @Override
    public boolean authenticate() throws IOException {
        java.security.Principal peer;
        try {
            peer = transport.session().getPeerPrincipal();
        } catch (SSLPeerUnverifiedException e) {
            principal = Principal.ANONYMOUS;
            return true;
        }
        if (!(peer instanceof X500Principal)) {
            principal = new Principal("User", peer.getName());
            return true;
        }
        String dn = peer.getName();
        String name = mapper.map(dn).orElseThrow(() -> new IOException(
                "No ssl.principal.mapping.rules rule applies to " + dn + " (rules: " + mapper + ")"));
        principal = new Principal("User", name);
        return true;
    }

    @Override
    public Principal principal() {
        return principal;
    }
}
