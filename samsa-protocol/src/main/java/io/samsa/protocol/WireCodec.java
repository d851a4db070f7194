package io.samsa.protocol;

import java.nio.ByteBuffer;

import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * Encodes and decodes Kafka protocol frames (the int32 size prefix is handled by the caller's framing,
 * except in {@link #encodeRequest}, which returns a whole frame).
 */
public final class WireCodec {

    private WireCodec() {
    }

    /**
     * Reads the header of a request frame (without its size prefix). The buffer's position is left after
     * the header. Throws {@link InvalidRequestException} for an unknown API key or a truncated header.
     */
    public static RequestFrameHeader parseHeader(ByteBuffer frame) {
        if (frame.remaining() < 8) {
            throw new InvalidRequestException("Request header truncated: " + frame.remaining() + " bytes");
        }
        short key = frame.getShort(frame.position());
        if (!ApiKeys.hasId(key)) {
            throw new InvalidRequestException("Unknown API key " + key);
        }
        try {
            RequestHeader header = RequestHeader.parse(frame);
            return new RequestFrameHeader(header.data(), header.headerVersion());
        } catch (RuntimeException e) {
            throw new InvalidRequestException("Malformed request header: " + e.getMessage(), e);
        }
    }

    /**
     * Decodes the body of a request whose header was read with {@link #parseHeader}; the version must
     * be one kafka-clients can parse.
     */
    public static DecodedRequest decodeBody(RequestFrameHeader header, ByteBuffer frame) {
        ApiKeys key = header.apiKey();
        short version = header.apiVersion();
        AbstractRequest request;
        try {
            request = AbstractRequest.parseRequest(key, version, new ByteBufferAccessor(frame)).request;
        } catch (RuntimeException e) {
            throw new InvalidRequestException("Malformed " + key + " v" + version + " request: " + e.getMessage(), e);
        }
        return new DecodedRequest(key, version, header.correlationId(), header.clientId(), request);
    }

    /** A request known by its header alone (a version we cannot parse), so that it can still be answered. */
    public static DecodedRequest headerOnly(RequestFrameHeader header) {
        return new DecodedRequest(header.apiKey(), header.apiVersion(), header.correlationId(), header.clientId(), null);
    }

    /** Whether kafka-clients has a schema for this API at this version (it can then be decoded). */
    public static boolean canDecode(RequestFrameHeader header) {
        return header.apiKey().isVersionSupported(header.apiVersion());
    }

    /** The records of a Produce partition as the buffer they were read into (a slice of the request). */
    public static ByteBuffer recordsBuffer(BaseRecords records) {
        if (records == null) {
            return ByteBuffer.allocate(0);
        }
        if (records instanceof MemoryRecords memory) {
            return memory.buffer();
        }
        throw new InvalidRequestException("Unexpected records type " + records.getClass().getSimpleName());
    }

    /** No records. */
    public static BaseRecords emptyRecords() {
        return MemoryRecords.EMPTY;
    }

    /**
     * Builds the response frame (size prefix included). {@code responseVersion} is the version to encode
     * the body at (normally the request's; the ApiVersions fallback uses 0). Record fields that are
     * {@link FileSliceRecords} are sent with transferTo, not copied. Serialization is deferred to
     * {@link ResponseSend#encode()}, which the network thread that writes the frame calls.
     */
    public static ResponseSend encodeResponse(DecodedRequest request, ApiMessage response, short responseVersion) {
        return ResponseSend.of(request.apiKey(), request.correlationId(), responseVersion, response);
    }

    /**
     * Client side: a whole request frame, size prefix included. Header and body are written straight into one
     * buffer of the exact size, so record fields are copied once.
     */
    public static ByteBuffer encodeRequest(ApiKeys key, short version, String clientId, int correlationId,
                                                ApiMessage body) {
        RequestHeaderData header = new RequestHeaderData()
                .setRequestApiKey(key.id)
                .setRequestApiVersion(version)
                .setClientId(clientId)
                .setCorrelationId(correlationId);
        short headerVersion = key.requestHeaderVersion(version);
        ObjectSerializationCache cache = new ObjectSerializationCache();
        int size = header.size(cache, headerVersion) + body.size(cache, version);
        ByteBufferAccessor out = new ByteBufferAccessor(ByteBuffer.allocate(4 + size));
        out.writeInt(size);
        header.write(out, cache, headerVersion);
        body.write(out, cache, version);
        out.flip();
        return out.buffer();
    }

    /**
     * Client side: decodes a response frame (size prefix removed) to the request's API key and version,
     * checking the correlation id. Record fields are slices of {@code frame}.
     */
    public static ApiMessage decodeResponse(ByteBuffer frame, ApiKeys key, short version, int expectedCorrelationId) {
        return parse(frame, key, version, expectedCorrelationId).data();
    }

    /**
     * As {@link #decodeResponse}, with the response's throttle time and whether the client must honour it
     * (KIP-219).
     */
    public static DecodedResponse parseResponse(ByteBuffer frame, ApiKeys key, short version,
                                                int expectedCorrelationId) {
        AbstractResponse response = parse(frame, key, version, expectedCorrelationId);
        int throttleMs = response.throttleTimeMs();
        return new DecodedResponse(response.data(), throttleMs,
                throttleMs > 0 && response.shouldClientThrottle(version));
    }

    private static AbstractResponse parse(ByteBuffer frame, ApiKeys key, short version, int expectedCorrelationId) {
        ByteBufferAccessor accessor = new ByteBufferAccessor(frame);
        ResponseHeaderData header = new ResponseHeaderData(accessor, key.responseHeaderVersion(version));
        if (header.correlationId() != expectedCorrelationId) {
            throw new IllegalStateException("Correlation id mismatch: expected " + expectedCorrelationId
                    + ", got " + header.correlationId());
        }
        return AbstractResponse.parseResponse(key, accessor, version);
    }
}
