package io.samsa.network.auth;

/**
 * The authenticator of plaintext listeners: nothing to exchange, every peer is {@link Principal#ANONYMOUS}.
 * Stateless, so one instance serves every connection (thread-safe).
 */
final class AnonymousAuthenticator implements Authenticator {
    static final AnonymousAuthenticator INSTANCE = new AnonymousAuthenticator();

    private AnonymousAuthenticator() {
    }

    @Override
    public boolean authenticate() {
        return true;
    }

    @Override
    public Principal principal() {
        return Principal.ANONYMOUS;
    }
}
