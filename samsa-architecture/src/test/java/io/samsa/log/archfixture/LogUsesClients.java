package io.samsa.log.archfixture;

/** Planted violation (log → clients). */
public final class LogUsesClients {
    private io.samsa.clients.producer.SamsaProducer<byte[], byte[]> producer;
}
