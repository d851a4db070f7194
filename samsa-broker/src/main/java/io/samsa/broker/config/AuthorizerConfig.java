package io.samsa.broker.config;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.kafka.common.config.ConfigException;

/**
 * Whether the broker checks ACLs, and who bypasses them: {@code authorizer.class.name} (empty: off, as in Kafka;
 * Kafka's {@code org.apache.kafka.metadata.authorizer.StandardAuthorizer}: Samsa's own authorizer with its
 * semantics; anything else refuses to start), {@code super.users} ({@code User:admin;User:broker}) and
 * {@code allow.everyone.if.no.acl.found} (default false). A cluster whose brokers talk over a PLAINTEXT
 * inter-broker listener, as {@code User:ANONYMOUS}, must name that principal a super user.
 */
public record AuthorizerConfig(boolean enabled, Set<String> superUsers, boolean allowEveryoneIfNoAclFound) {
    public static final String CLASS_NAME = "authorizer.class.name";
    public static final String STANDARD_AUTHORIZER = "org.apache.kafka.metadata.authorizer.StandardAuthorizer";
    public static final AuthorizerConfig DISABLED = new AuthorizerConfig(false, Set.of(), false);

    public AuthorizerConfig {
        superUsers = Set.copyOf(superUsers);
    }

    static AuthorizerConfig read(ConfigReader r) {
        String className = r.string(CLASS_NAME, "");
        if (!className.isEmpty() && !className.equals(STANDARD_AUTHORIZER)) {
            throw new ConfigException(CLASS_NAME, className, "Samsa's authorizer implements only "
                    + STANDARD_AUTHORIZER + " (or leave it empty for none)");
        }
        String supers = r.string("super.users", "");
        Set<String> superUsers = Arrays.stream(supers.split(";")).map(String::trim).filter(s -> !s.isEmpty())
                .collect(Collectors.toSet());
        for (String user : superUsers) {
            if (user.indexOf(':') <= 0) {
                throw new ConfigException("super.users", supers, "each principal is Type:name, e.g. User:admin");
            }
        }
        boolean allowIfNoAcl = r.bool("allow.everyone.if.no.acl.found", false);
        return new AuthorizerConfig(!className.isEmpty(), superUsers, allowIfNoAcl);
    }
}
