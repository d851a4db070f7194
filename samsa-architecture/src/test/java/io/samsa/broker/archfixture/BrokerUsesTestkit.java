package io.samsa.broker.archfixture;

/** Planted violation (main code → samsa-testkit). */
public final class BrokerUsesTestkit {
    private io.samsa.testkit.CraftedBatch batch;
}
