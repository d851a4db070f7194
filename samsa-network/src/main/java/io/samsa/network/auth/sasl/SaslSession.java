package io.samsa.network.auth.sasl;

import java.util.function.ToLongFunction;

import io.samsa.network.auth.Principal;

/**
 * The life of one connection's SASL session (KIP-368): who authenticated with which mechanism, when the session
 * expires ({@code connections.max.reauth.ms} after each successful authentication; never when that is 0), and the
 * rules of a re-authentication — the same mechanism, the same principal, at most one start per second.
 *
 * <p>Owned by one {@link SaslServerAuthenticator}; called only on the connection's network thread.
 */
final class SaslSession {
    /** Kafka's minimum interval between two re-authentications of a connection. */
    static final long MIN_REAUTH_INTERVAL_NANOS = 1_000_000_000L;

    private final ToLongFunction<String> maxReauthMs;
    private String mechanism;
    private Principal principal;
    /** System.nanoTime() at which the session ends; meaningful only when {@link #expires}. */
    private long expiryNanos;
    private boolean expires;
    private long lastReauthStartNanos;
    private boolean reauthenticating;

    /** @param maxReauthMs the session lifetime per mechanism name, in ms; 0 = the session never expires */
    SaslSession(ToLongFunction<String> maxReauthMs) {
        this.maxReauthMs = maxReauthMs;
    }

    /**
     * A successful (re-)authentication: fixes the session and returns its lifetime for SaslAuthenticate's
     * {@code session_lifetime_ms} (0: none).
     *
     * @throws SaslServerAuthenticator.AuthenticationFailedException if a re-authentication changed the principal
     */
    long authenticated(String mechanismName, Principal authenticated, long nowNanos)
            throws SaslServerAuthenticator.AuthenticationFailedException {
        if (reauthenticating && !principal.equals(authenticated)) {
            throw new SaslServerAuthenticator.AuthenticationFailedException(String.format(
                    "Cannot change principals during re-authentication from %s.%s: %s.%s", principal.type(),
                    principal.name(), authenticated.type(), authenticated.name()));
        }
        reauthenticating = false;
        mechanism = mechanismName;
        principal = authenticated;
        long lifetimeMs = Math.max(0, maxReauthMs.applyAsLong(mechanismName));
        expires = lifetimeMs > 0;
        expiryNanos = expires ? nowNanos + lifetimeMs * 1_000_000L : 0;
        return lifetimeMs;
    }

    /**
     * Whether a SaslHandshake on the authenticated connection starts a re-authentication: only when sessions expire
     * (otherwise it is an ordinary request, answered ILLEGAL_SASL_STATE) and not twice within a second.
     */
    boolean beginReauthentication(long nowNanos) {
        if (!expires || principal == null
                || lastReauthStartNanos != 0 && nowNanos - lastReauthStartNanos < MIN_REAUTH_INTERVAL_NANOS) {
            return false;
        }
        lastReauthStartNanos = nowNanos;
        reauthenticating = true;
        return true;
    }

    boolean reauthenticating() {
        return reauthenticating;
    }

    /** Null when the mechanism may be used to re-authenticate; otherwise Kafka's message for the refusal. */
    String refusedMechanism(String requested) {
        if (!reauthenticating || mechanism.equals(requested)) {
            return null;
        }
        return String.format("SASL mechanism '%s' requested by client is not supported for re-authentication of"
                + " mechanism '%s'", requested, mechanism);
    }

    boolean expired(long nowNanos) {
        return expires && nowNanos - expiryNanos > 0;
    }

    Principal principal() {
        return principal;
    }
}
