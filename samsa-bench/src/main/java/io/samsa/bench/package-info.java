/**
 * Benchmarks: JMH micro-benchmarks of the log and codec, and end-to-end harnesses that print figures
 * side by side with Apache Kafka. Figures, never assertions.
 */
package io.samsa.bench;
