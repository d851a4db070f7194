package io.samsa.broker.security;

import java.util.Locale;

import org.apache.kafka.common.config.ConfigException;

import io.samsa.broker.config.ListenerSecurity;
import io.samsa.metadata.quorum.QuorumTls;
import io.samsa.network.auth.SecurityProtocol;
import io.samsa.network.tls.SslFactory;

/**
 * The metadata quorum's TLS from its listener's {@code ssl.*} settings, in Kafka's precedence
 * ({@code listener.name.controller.ssl.*} over {@code ssl.*}): the keystore is a voter's server certificate and the
 * client certificate its Ratis clients show; the truststore decides whom to trust;
 * {@code ssl.client.auth=required} makes the voters require client certificates (Ratis asks for one always or
 * never, so {@code requested} asks for none, like {@code none}); an empty
 * {@code ssl.endpoint.identification.algorithm} turns off the check of the voter's host against its certificate;
 * {@code ssl.enabled.protocols} and {@code ssl.cipher.suites} apply as on any listener.
 * A broker-only node is only a client: its keystore, if any, is shown when a voter asks. Stateless.
 */
public final class QuorumTlsSettings {
    private QuorumTlsSettings() {
    }

    /**
     * Null (plaintext) for a PLAINTEXT listener.
     *
     * @param voter whether this node runs a quorum server (a keystore is then required)
     * @throws ConfigException naming the listener and the key, for stores that do not load
     */
    public static QuorumTls forListener(ListenerSecurity listener, boolean voter) {
        if (listener.protocol() == SecurityProtocol.PLAINTEXT) {
            return null;
        }
        if (listener.protocol() != SecurityProtocol.SSL) {
            throw new ConfigException("listener.security.protocol.map", listener.listenerName() + ":"
                    + listener.protocol(), "the metadata quorum speaks PLAINTEXT or SSL");
        }
        try {
            SslFactory ssl = voter ? SslFactory.forServer(listener.ssl()) : SslFactory.forClient(listener.ssl());
            boolean mutual = voter ? ssl.clientAuth() == SslFactory.ClientAuth.REQUIRED : ssl.keyManager() != null;
            return new QuorumTls(ssl.keyManager(), ssl.trustManager(), mutual,
                    !ssl.endpointIdentification().isEmpty(), ssl.enabledProtocols(), ssl.cipherSuites());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("controller listener " + listener.listenerName() + " (keys may be prefixed "
                    + "listener.name." + listener.listenerName().toLowerCase(Locale.ROOT) + "."
                    + "): " + e.getMessage());
        }
    }
}
