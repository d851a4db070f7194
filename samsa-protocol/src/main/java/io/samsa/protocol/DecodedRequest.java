package io.samsa.protocol;

import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * A request as read off the wire: its header fields and its body as the generated message class.
 * Record fields inside {@code body} are slices of the frame buffer: keep the frame alive while they are used.
 */
public record DecodedRequest(ApiKeys apiKey, short apiVersion, int correlationId, String clientId,
                             ApiMessage body, short headerVersion) {
}
