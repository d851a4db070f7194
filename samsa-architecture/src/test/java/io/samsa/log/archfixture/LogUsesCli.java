package io.samsa.log.archfixture;

/** Planted violation (log → cli). */
public final class LogUsesCli {
    private io.samsa.cli.SamsaCommand command;
}
