package io.samsa.protocol;

import org.apache.kafka.common.protocol.ApiMessage;

/**
 * A response as {@link WireCodec#parseResponse} decoded it on the client side: the body, its throttle_time_ms (0
 * for responses without one), and whether the client must honour that throttle itself — kafka-clients'
 * {@code AbstractResponse.shouldClientThrottle} for the response's version (KIP-219: Produce v6+, Fetch v8+, ...;
 * older versions were throttled by the broker before it answered). Samsa's own type, so that nothing outside
 * samsa-protocol sees kafka-clients' {@code requests.AbstractResponse}.
 */
public record DecodedResponse(ApiMessage data, int throttleTimeMs, boolean clientThrottles) {
}
