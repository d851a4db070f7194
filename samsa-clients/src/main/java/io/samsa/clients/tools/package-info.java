/** Command-line tools: {@link io.samsa.clients.tools.ProducerPerf}, Kafka's ProducerPerformance for either producer. */
package io.samsa.clients.tools;
