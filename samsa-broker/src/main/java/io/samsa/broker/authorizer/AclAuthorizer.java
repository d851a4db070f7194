package io.samsa.broker.authorizer;

import java.util.function.Supplier;

import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.samsa.broker.config.AuthorizerConfig;
import io.samsa.metadata.MetadataImage;
import io.samsa.network.auth.Principal;

/**
 * Kafka's StandardAuthorizer semantics ({@link AclMatcher}) over the ACLs of the current metadata image, which is
 * immutable: each check reads one image, without a lock, on the caller's thread. Super users are allowed
 * everything, ACLs or not. Every decision goes to the audit logger Kafka uses, {@code kafka.authorizer.logger}:
 * an attempt that is denied at INFO, an allowed one at DEBUG (a denial that only filters a listing at TRACE).
 */
public final class AclAuthorizer implements Authorizer {
    private static final Logger audit = LoggerFactory.getLogger("kafka.authorizer.logger");

    private final AuthorizerConfig config;
    private final Supplier<MetadataImage> image;

    public AclAuthorizer(AuthorizerConfig config, Supplier<MetadataImage> image) {
        this.config = config;
        this.image = image;
    }

    /** The broker's authorizer for its config: this one when enabled, else {@link Authorizer#NONE}. */
    public static Authorizer of(AuthorizerConfig config, Supplier<MetadataImage> image) {
        return config.enabled() ? new AclAuthorizer(config, image) : Authorizer.NONE;
    }

    @Override
    public boolean enabled() {
        return true;
    }

    @Override
    public boolean authorize(Principal principal, String host, ApiKeys api, AclOperation op, ResourceType type,
                             String name, boolean logIfDenied) {
        AclMatcher.Decision decision = config.superUsers().contains(principal.toString())
                ? new AclMatcher.Decision(true, "SuperUser")
                : AclMatcher.decide(image.get().acls(), config.allowEveryoneIfNoAclFound(), principal, host, op,
                        type, name);
        if (!decision.allowed() && logIfDenied) {
            audit.info(message(principal, host, api, op, type, name, decision));
        } else if (decision.allowed() && audit.isDebugEnabled()) {
            audit.debug(message(principal, host, api, op, type, name, decision));
        } else if (audit.isTraceEnabled()) {
            audit.trace(message(principal, host, api, op, type, name, decision));
        }
        return decision.allowed();
    }

    @Override
    public boolean authorizeAny(Principal principal, String host, AclOperation op, ResourceType type) {
        return config.superUsers().contains(principal.toString())
                || AclMatcher.allowsAny(image.get().acls(), config.allowEveryoneIfNoAclFound(), principal, host, op,
                        type);
    }

    /** Kafka's name of a resource type in ACL output: TRANSACTIONAL_ID is {@code TransactionalId}. */
    static String resourceTypeName(ResourceType type) {
        StringBuilder name = new StringBuilder();
        for (String word : type.name().split("_")) {
            name.append(word.charAt(0)).append(word.substring(1).toLowerCase(java.util.Locale.ROOT));
        }
        return name.toString();
    }

    /** Kafka's audit line, so that tools reading Kafka's authorizer log read Samsa's. */
    private static String message(Principal principal, String host, ApiKeys api, AclOperation op, ResourceType type,
                                  String name, AclMatcher.Decision decision) {
        return "Principal = " + principal + " is " + (decision.allowed() ? "Allowed" : "Denied") + " operation = "
                + op + " from host = " + host + " on resource = "
                + resourceTypeName(type) + ":" + PatternType.LITERAL + ":" + name + " for request = "
                + api.name + " with resourceRefCount = 1 based on rule " + decision.rule();
    }
}
