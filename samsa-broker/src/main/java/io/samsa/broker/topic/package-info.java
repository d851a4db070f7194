/**
 * The broker's catalogue of topics: names, topic IDs, partition counts and per-topic config overrides,
 * persisted under {@code <log.dirs>/__samsa_meta/} and mapped onto the partition logs of samsa-log, each of
 * which carries its topic ID (partition.metadata). Every limit is checked before a topic exists, a topic is
 * visible only once all its logs are, and a deleted topic's data never serves a later topic of the same name.
 */
package io.samsa.broker.topic;
