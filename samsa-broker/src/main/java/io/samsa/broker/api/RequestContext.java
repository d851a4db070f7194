package io.samsa.broker.api;

import org.apache.kafka.common.protocol.ApiKeys;

import io.samsa.broker.config.Listener;
import io.samsa.network.auth.Principal;
import io.samsa.network.auth.SecurityProtocol;
import io.samsa.network.server.FrameHandler.ClientAddress;
import io.samsa.network.server.Session;

/**
 * Who asked, on which listener, and with which API version: what a handler needs besides the request body.
 * Filled from the connection by the {@link ApiDispatcher}; immutable.
 *
 * @param session    the connection's address, listener, security protocol and authenticated principal
 * @param advertised the advertised address of the listener the request arrived on (Kafka's rule: Metadata and
 *                   FindCoordinator answer with the address of the listener the client used); null only in tests
 *                   that build a context without a broker
 */
public record RequestContext(ApiKeys apiKey, short apiVersion, String clientId, Session session,
                             Listener advertised, long receivedNanos) {

    /** The client's address and connection id. */
    public ClientAddress client() {
        return session.client();
    }

    /** Who the connection authenticated as; {@code User:ANONYMOUS} on plaintext. */
    public Principal principal() {
        return session.principal();
    }

    /** The name of the listener the request arrived on ({@code PLAINTEXT}, {@code INTERNAL}, ...). */
    public String listenerName() {
        return session.listenerName();
    }

    public SecurityProtocol securityProtocol() {
        return session.securityProtocol();
    }
}
