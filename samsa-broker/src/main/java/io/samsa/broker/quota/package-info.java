/**
 * Client quotas (Kafka's KIP-13, KIP-55 and KIP-124, throttled as in KIP-219): produce and fetch byte rates
 * ({@code producer_byte_rate}, {@code consumer_byte_rate}) and request handler time ({@code request_percentage})
 * per user and client id, from the metadata image's {@code ClientQuotasImage}. Each {@link ClientQuotaManager}
 * resolves a request's (user, client id) to the most specific quota entity ({@link QuotaResolution}, cached per
 * image), records the request into that entity's {@link SampledRate} and answers with a throttle time; the
 * {@link RequestThrottler} combines them per request. The network layer sends the response at once and then
 * reads nothing from the connection until the throttle time has passed.
 *
 * <p>Threads: every class here is called by request handler threads (and the purgatory threads that complete
 * delayed requests) concurrently; the metrics thread reads the counters.
 */
package io.samsa.broker.quota;
