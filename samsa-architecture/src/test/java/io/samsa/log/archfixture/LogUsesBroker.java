package io.samsa.log.archfixture;

/** Planted violation (log → broker). */
public final class LogUsesBroker {
    private io.samsa.broker.SamsaBroker broker;
}
