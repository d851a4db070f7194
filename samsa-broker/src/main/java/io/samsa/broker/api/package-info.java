/**
 * Request dispatch: the request handler threads ({@link io.samsa.broker.api.RequestHandlerPool},
 * {@code num.io.threads} behind {@code queued.max.requests}) take each frame from the network threads, decode it
 * with samsa-protocol's {@code WireCodec}, route it by API key to its handler if the version is one Samsa
 * implements, and wrap the handler's response for the network thread that encodes and writes it. Each request's
 * {@link io.samsa.broker.api.RequestContext} says who is calling: principal, listener, security protocol, address. The table of handlers and their version ranges here is exactly
 * what ApiVersions advertises, together with the feature flags of {@link io.samsa.broker.api.BrokerFeatures}
 * (metadata.version and the other KIP-584 features, as a Kafka 4.x broker reports them). The threading model of
 * the whole broker is in {@link io.samsa.broker}.
 */
package io.samsa.broker.api;
