/**
 * The broker's catalogue of topics: names, topic IDs, partition counts and per-topic config overrides,
 * persisted under {@code <log.dirs>/__samsa_meta/} and mapped onto the partition logs of samsa-log.
 */
package io.samsa.broker.topic;
