package io.samsa.network.archfixture;

/** Allowed: network knows frames (samsa-protocol). */
public final class NetworkUsesProtocol {
    private io.samsa.protocol.records.RecordsView records;
}
