package io.samsa.broker.authorizer;

import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.resource.ResourceType;

import io.samsa.network.auth.Principal;

/**
 * Decides whether a principal from a host may perform an operation on a resource. {@link #NONE} (no
 * {@code authorizer.class.name}) allows everything; {@link AclAuthorizer} checks the ACLs of the metadata image.
 * Thread-safe: called from every request handler thread.
 */
public interface Authorizer {
    /** No authorizer configured: every request is allowed, and the ACL APIs answer SECURITY_DISABLED. */
    Authorizer NONE = new Authorizer() {
        @Override
        public boolean enabled() {
            return false;
        }

        @Override
        public boolean authorize(Principal principal, String host, ApiKeys api, AclOperation op, ResourceType type,
                                 String name, boolean logIfDenied) {
            return true;
        }

        @Override
        public boolean authorizeAny(Principal principal, String host, AclOperation op, ResourceType type) {
            return true;
        }
    };

    boolean enabled();

    /**
     * Whether the operation on the literally named resource is allowed.
     *
     * @param api         the request's API, for the audit log
     * @param logIfDenied false when a denial only filters what a response lists (Metadata of all topics,
     *                    ListGroups): such a denial is not an attempt and is not audited at INFO
     */
    boolean authorize(Principal principal, String host, ApiKeys api, AclOperation op, ResourceType type, String name,
                      boolean logIfDenied);

    /** Whether the operation is allowed on some resource of the type (Kafka's authorizeByResourceType). */
    boolean authorizeAny(Principal principal, String host, AclOperation op, ResourceType type);
}
