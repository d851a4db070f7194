package io.samsa.broker.api;

import java.util.Set;

import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.resource.ResourceType;

import io.samsa.broker.authorizer.AuthorizedOperations;
import io.samsa.broker.authorizer.Authorizer;
import io.samsa.broker.config.Listener;
import io.samsa.network.auth.Principal;
import io.samsa.network.auth.SecurityProtocol;
import io.samsa.network.server.FrameHandler.ClientAddress;
import io.samsa.network.server.Session;

/**
 * Who asked, on which listener, and with which API version: what a handler needs besides the request body, and
 * the one way a handler asks whether the request may touch a resource ({@link #authorize}). Filled from the
 * connection by the {@link ApiDispatcher}; immutable.
 *
 * @param session    the connection's address, listener, security protocol and authenticated principal
 * @param advertised the advertised address of the listener the request arrived on (Kafka's rule: Metadata and
 *                   FindCoordinator answer with the address of the listener the client used); null only in tests
 *                   that build a context without a broker
 * @param authorizer the broker's ACL checks ({@link Authorizer#NONE} when none is configured)
 */
public record RequestContext(ApiKeys apiKey, short apiVersion, String clientId, Session session,
                             Listener advertised, long receivedNanos, Authorizer authorizer) {
    /** Kafka's name of the one cluster resource. */
    public static final String CLUSTER_NAME = "kafka-cluster";

    /** A context without ACL checks. */
    public RequestContext(ApiKeys apiKey, short apiVersion, String clientId, Session session, Listener advertised,
                          long receivedNanos) {
        this(apiKey, apiVersion, clientId, session, advertised, receivedNanos, Authorizer.NONE);
    }

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

    /** Whether this request's principal may perform {@code op} on the named resource; a denial is audited. */
    public boolean authorize(AclOperation op, ResourceType type, String name) {
        return !authorizer.enabled()
                || authorizer.authorize(principal(), session.client().host(), apiKey, op, type, name, true);
    }

    /** As {@link #authorize}, for a resource a response merely leaves out when denied (not audited at INFO). */
    public boolean canSee(AclOperation op, ResourceType type, String name) {
        return !authorizer.enabled()
                || authorizer.authorize(principal(), session.client().host(), apiKey, op, type, name, false);
    }

    /**
     * The operations this principal may perform on the resource, as the 32-bit field of the
     * {@code *_authorized_operations} response fields (not audited: asking is not an attempt).
     */
    public int authorizedOperations(ResourceType type, String name) {
        return AuthorizedOperations.of(type, op -> canSee(op, type, name));
    }

    public boolean authorizeCluster(AclOperation op) {
        return authorize(op, ResourceType.CLUSTER, CLUSTER_NAME);
    }

    /** Whether {@code op} is allowed on some resource of the type (an idempotent producer's WRITE on a topic). */
    public boolean authorizeAny(AclOperation op, ResourceType type) {
        return !authorizer.enabled() || authorizer.authorizeAny(principal(), session.client().host(), op, type);
    }

    /**
     * Throws the resource type's authorization error (TOPIC_, GROUP_, TRANSACTIONAL_ID_ or
     * CLUSTER_AUTHORIZATION_FAILED: the whole request's error response) unless {@code op} on the resource is allowed.
     */
    public void require(AclOperation op, ResourceType type, String name) {
        if (authorize(op, type, name)) {
            return;
        }
        throw switch (type) {
            case TOPIC -> new TopicAuthorizationException(Set.of(name));
            case GROUP -> new GroupAuthorizationException("Not authorized to access group: " + name, name);
            case TRANSACTIONAL_ID -> new TransactionalIdAuthorizationException(
                    "Transactional Id authorization failed.");
            default -> new ClusterAuthorizationException("Request " + apiKey.name + " is not authorized.");
        };
    }

    /** Throws CLUSTER_AUTHORIZATION_FAILED (the whole request's error) unless {@code op} on the cluster is allowed. */
    public void requireCluster(AclOperation op) {
        if (!authorizeCluster(op)) {
            throw new ClusterAuthorizationException("Request " + apiKey.name + " is not authorized.");
        }
    }
}
