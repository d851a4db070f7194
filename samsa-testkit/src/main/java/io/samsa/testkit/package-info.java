/**
 * Test support shared by Samsa's modules: {@link io.samsa.testkit.ApacheKafkaBroker} runs a real single-node
 * KRaft Apache Kafka (jars from Maven Central, copied by module {@code samsa-kafka-dist}) in a child JVM, so
 * clients can be checked against the reference implementation, and {@link io.samsa.testkit.ApacheKafkaCluster} runs N
 * such nodes as one KRaft cluster whose nodes can be SIGKILLed and restarted at the same address, behind the
 * {@link io.samsa.testkit.ClusterUnderTest} interface that failover contracts run against (a Samsa cluster can
 * implement it too); {@link io.samsa.testkit.FaultyProxy} is a
 * loopback TCP proxy that drops responses, cuts connections mid-request or stalls, for fault tests;
 * {@link io.samsa.testkit.CraftedBatch} and {@link io.samsa.testkit.ZstdFrame} build record batches and zstd
 * frames byte by byte (malformed records, decompression bombs) for hostile-input tests;
 * {@link io.samsa.testkit.MutableClock} is a clock the test moves by hand (no sleeping on real time);
 * {@link io.samsa.testkit.TestCertificates} makes a CA, server and client certificates with {@code keytool} for TLS.
 * Depends on kafka-clients only.
 */
package io.samsa.testkit;
