package io.samsa.clients.archfixture;

/** Planted violation (clients → cli). */
public final class ClientsUseCli {
    private io.samsa.cli.SamsaCommand command;
}
