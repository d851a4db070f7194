/**
 * The throughput tools behind {@code samsa perf}: {@link io.samsa.cli.perf.ProducerPerf} (Kafka's
 * ProducerPerformance, same flags and output lines) and {@link io.samsa.cli.perf.ConsumerPerf} (Kafka's
 * ConsumerPerformance), each for Samsa's client or Kafka's. Command-line code, so it lives here and not in the
 * client library; each also has a {@code main} for running it with {@code java -cp samsa.jar}. Each run owns
 * the thread it is called on (plus the client's own I/O thread).
 */
package io.samsa.cli.perf;
