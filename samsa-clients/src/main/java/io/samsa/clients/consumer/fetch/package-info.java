/**
 * Getting records: the {@link io.samsa.clients.consumer.fetch.Fetcher} keeps a Fetch in flight to every leader
 * while the application processes what was fetched before (pipelining), the
 * {@link io.samsa.clients.consumer.fetch.FetchBuffer} holds responses until {@code poll} turns them into
 * {@code ConsumerRecord}s (deserializing on the application thread, reading batches through samsa-protocol's
 * {@code RecordsView}), {@link io.samsa.clients.consumer.fetch.ReadReplicas} sends a partition's fetches to the
 * replica its leader prefers for this consumer's {@code client.rack} (KIP-392), and
 * {@link io.samsa.clients.consumer.fetch.ListOffsetsClient} answers offset lookups and resets with ListOffsets.
 */
package io.samsa.clients.consumer.fetch;
