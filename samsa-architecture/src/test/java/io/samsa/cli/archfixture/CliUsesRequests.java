package io.samsa.cli.archfixture;

/** Planted violation (kafka internals outside samsa-protocol): the {@code requests} package. */
public final class CliUsesRequests {
    public byte groupKeyType() {
        return org.apache.kafka.common.requests.FindCoordinatorRequest.CoordinatorType.GROUP.id();
    }
}
