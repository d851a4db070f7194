package io.samsa.clients.archfixture;

/** Planted violation (clients → broker). */
public final class ClientsUseBroker {
    private io.samsa.broker.SamsaBroker broker;
}
