package io.samsa.broker.archfixture;

/** Allowed: the broker is built on the log and the protocol. */
public final class BrokerUsesLogAndProtocol {
    private io.samsa.log.Log log;
    private io.samsa.protocol.records.RecordsView records;
}
