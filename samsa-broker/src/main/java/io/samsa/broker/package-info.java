/**
 * The Samsa broker: accepts Kafka wire-protocol connections, decodes requests with kafka-clients'
 * generated message classes at the network edge, and answers each API through its own handler class,
 * backed by the topic registry and the partition logs of {@code samsa-log}. It also holds the broker's
 * configuration ({@code server.properties} with Kafka's key names) and the embeddable {@code SamsaBroker}.
 */
package io.samsa.broker;
