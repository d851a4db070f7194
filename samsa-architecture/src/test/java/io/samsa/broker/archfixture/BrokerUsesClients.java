package io.samsa.broker.archfixture;

/** Planted violation (broker → clients). */
public final class BrokerUsesClients {
    private io.samsa.clients.producer.SamsaProducer<byte[], byte[]> producer;
}
