package io.samsa.network.client;

import io.samsa.network.auth.sasl.SaslClientAuthenticator;
import io.samsa.network.auth.sasl.SaslClientConfig;
import io.samsa.network.tls.SslFactory;

/**
 * How a client's connections are made secure: TLS engines from {@code ssl} (null: plaintext) and a SASL exchange
 * with {@code sasl}'s mechanism and credentials (null: none) — what Samsa's clients read from Kafka's client configs
 * and a broker from its inter-broker listener. Immutable; {@link #newNetworkIo} may be called from any thread.
 */
public record ClientChannels(SslFactory ssl, SaslClientConfig sasl) {
    public static final ClientChannels PLAINTEXT = new ClientChannels(null, null);

    /** A client's connections, speaking TLS and authenticating as configured. */
    public NetworkIo newNetworkIo(String clientId, long requestTimeoutMs, long reconnectBackoffMs,
                                  int sendBufferBytes) {
        NetworkIo io = new NetworkIo(clientId, requestTimeoutMs, reconnectBackoffMs, sendBufferBytes, ssl);
        if (sasl != null) {
            io.authenticateWith(t -> new SaslClientAuthenticator(t, clientId, sasl.newMechanismClient()));
        }
        return io;
    }
}
