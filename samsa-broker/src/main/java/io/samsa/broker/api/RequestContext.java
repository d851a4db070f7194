package io.samsa.broker.api;

import org.apache.kafka.common.protocol.ApiKeys;

import io.samsa.broker.network.FrameHandler.ClientAddress;

/** Who asked, and with which API version: what a handler needs besides the request body. */
public record RequestContext(ApiKeys apiKey, short apiVersion, String clientId, ClientAddress client,
                             long receivedNanos) {
}
