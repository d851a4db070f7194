package io.samsa.network.auth.sasl;

import java.util.function.ToLongFunction;

/**
 * A SASL listener's server-side settings, Kafka's keys.
 *
 * @param maxReceiveSize              {@code sasl.server.max.receive.size}: the largest frame read before
 *                                    authentication
 * @param maxReauthMs                 {@code connections.max.reauth.ms} per mechanism name: the session lifetime;
 *                                    0: sessions never expire and a later SaslHandshake is an ordinary (refused)
 *                                    request
 * @param failedAuthenticationDelayMs {@code connection.failed.authentication.delay.ms}: how long a failed login
 *                                    waits for its answer (and its connection's close), to slow password guessing
 */
public record SaslServerSettings(int maxReceiveSize, ToLongFunction<String> maxReauthMs,
                                 long failedAuthenticationDelayMs) {
    /** Kafka's {@code connection.failed.authentication.delay.ms} default. */
    public static final long DEFAULT_FAILED_AUTHENTICATION_DELAY_MS = 100;

    /** Kafka's defaults: 512 KiB frames, no re-authentication, failures answered at once (tests). */
    public static final SaslServerSettings IMMEDIATE = new SaslServerSettings(
            SaslServerAuthenticator.DEFAULT_MAX_RECEIVE_SIZE, mechanism -> 0L, 0);
}
