package io.samsa.broker.archfixture;

/** Planted violation (broker → cli). */
public final class BrokerUsesCli {
    private io.samsa.cli.SamsaCommand command;
}
