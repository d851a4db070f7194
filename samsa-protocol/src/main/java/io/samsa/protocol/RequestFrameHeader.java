package io.samsa.protocol;

import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * The header of a request frame as {@link WireCodec#parseHeader} read it: the generated header message and the
 * header version it was read at. Samsa's own type, so that nothing outside samsa-protocol sees kafka-clients'
 * {@code requests.RequestHeader}.
 */
public record RequestFrameHeader(RequestHeaderData data, short headerVersion) {

    public ApiKeys apiKey() {
        return ApiKeys.forId(data.requestApiKey());
    }

    public short apiVersion() {
        return data.requestApiVersion();
    }

    public int correlationId() {
        return data.correlationId();
    }

    /** The client id; null when the client sent none. */
    public String clientId() {
        return data.clientId();
    }
}
