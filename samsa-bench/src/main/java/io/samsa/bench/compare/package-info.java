/**
 * {@code bench/compare}: Samsa against Apache Kafka on one machine, one broker at a time, with the same heap,
 * data filesystem and durability settings. {@link io.samsa.bench.compare.Compare} starts each broker as a
 * child JVM, drives the client tools (Kafka's ProducerPerformance and ConsumerPerformance, Samsa's perf tools,
 * and the two small tools here: {@link io.samsa.bench.compare.AssignedConsumerPerf} and
 * {@link io.samsa.bench.compare.EndToEndLatency}) in further child JVMs, reads the broker's CPU and memory from
 * {@code /proc}, and writes a Markdown table, a CSV and a PNG chart. Figures, never assertions. With
 * {@code --nodes N} each broker kind runs as an N-node KRaft combined-mode cluster ({@link
 * io.samsa.bench.compare.BrokerCluster}); {@code --mode failover} ({@code bench/failover},
 * {@link io.samsa.bench.compare.FailoverRun}) measures the write pause per leader SIGKILL / SIGTERM
 * ({@link io.samsa.bench.compare.WritePause}); {@code --mode tls} ({@code bench/tls}, {@link
 * io.samsa.bench.compare.TlsRun}) compares PLAINTEXT and SSL listeners and the TLS handshake rate
 * ({@link io.samsa.bench.compare.TlsHandshakeRate}); {@code --mode quota} ({@code bench/quota}, {@link
 * io.samsa.bench.compare.QuotaRun}) measures client quotas held ({@link io.samsa.bench.compare.QuotaClients}) and
 * what enforcing them costs a producer's hot path.
 */
package io.samsa.bench.compare;
