package io.samsa.cli;

import io.samsa.clients.admin.QuotaEntity;
import picocli.CommandLine.Option;

/**
 * The quota entity options {@code samsa quotas} shares: a user or the default user, and/or a client id or the
 * default client id (Kafka's {@code kafka-configs --entity-type users/clients}, {@code --entity-default}).
 */
final class QuotaEntityOptions {
    @Option(names = "--user", paramLabel = "USER", description = "The user (principal name) the quota is for.")
    String user;

    @Option(names = "--default-user", description = "The default for every user without a quota of its own.")
    boolean defaultUser;

    @Option(names = "--client-id", paramLabel = "ID", description = "The client id the quota is for.")
    String clientId;

    @Option(names = "--default-client-id",
            description = "The default for every client id without a quota of its own.")
    boolean defaultClientId;

    /** The entity named, or null when none is; two names for one type is a {@link UserException}. */
    QuotaEntity entityOrNull() {
        if (user != null && defaultUser) {
            throw new UserException("Give --user or --default-user, not both");
        }
        if (clientId != null && defaultClientId) {
            throw new UserException("Give --client-id or --default-client-id, not both");
        }
        QuotaEntity u = user != null ? QuotaEntity.user(user) : defaultUser ? QuotaEntity.defaultUser() : null;
        QuotaEntity c = clientId != null ? QuotaEntity.clientId(clientId)
                : defaultClientId ? QuotaEntity.defaultClientId() : null;
        return u == null ? c : c == null ? u : u.and(c);
    }

    QuotaEntity entity() {
        QuotaEntity e = entityOrNull();
        if (e == null) {
            throw new UserException("Name what the quota is for: --user, --default-user, --client-id and/or"
                    + " --default-client-id");
        }
        return e;
    }
}
