package io.samsa.clients.archfixture;

/** Planted violation (clients → log). */
public final class ClientsUseLog {
    private io.samsa.log.Log log;
}
