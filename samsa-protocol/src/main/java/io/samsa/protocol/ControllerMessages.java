package io.samsa.protocol;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.ObjectSerializationCache;

/**
 * The bytes of a controller call between a broker and the active controller (carried by the metadata quorum's
 * own transport, not a Kafka connection), in Kafka's generated request and response messages. Big-endian:
 * <pre>
 * call   apiKey:int16 version:int16 body (the request message at that version)
 * reply  errorCode:int16, then
 *          errorCode 0: offset:int64 body (the response message at the call's version)
 *          else:        messageLength:int32 (-1: none) message:UTF-8
 * </pre>
 * {@code offset} is the metadata offset of the commit that answered the call, so the caller can wait until its
 * own image has it. An error travels as a code and message and is rethrown as the ApiException on the caller's
 * side, whatever error fields the response message itself has.
 */
public final class ControllerMessages {
    private ControllerMessages() {
    }

    /** A decoded call. */
    public record Call(ApiKeys apiKey, short version, ApiMessage body) {
    }

    /** A decoded successful reply. */
    public record Reply(long offset, ApiMessage body) {
    }

    public static byte[] encodeCall(ApiKeys key, short version, ApiMessage body) {
        ObjectSerializationCache cache = new ObjectSerializationCache();
        ByteBuffer buf = ByteBuffer.allocate(4 + body.size(cache, version));
        buf.putShort(key.id).putShort(version);
        body.write(new ByteBufferAccessor(buf), cache, version);
        return buf.array();
    }

    /** Throws InvalidRequestException for an unknown API, version or a malformed body. */
    public static Call decodeCall(byte[] bytes) {
        try {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            short keyId = buf.getShort();
            short version = buf.getShort();
            if (!ApiKeys.hasId(keyId)) {
                throw new InvalidRequestException("Unknown API key " + keyId + " in a controller call");
            }
            ApiKeys key = ApiKeys.forId(keyId);
            if (!key.isVersionSupported(version)) {
                throw new InvalidRequestException("Unsupported " + key + " version " + version);
            }
            ApiMessage body = key.messageType.newRequest();
            body.read(new ByteBufferAccessor(buf), version);
            return new Call(key, version, body);
        } catch (InvalidRequestException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new InvalidRequestException("Malformed controller call: " + e.getMessage(), e);
        }
    }

    public static byte[] encodeReply(short version, long offset, ApiMessage body) {
        ObjectSerializationCache cache = new ObjectSerializationCache();
        ByteBuffer buf = ByteBuffer.allocate(2 + 8 + body.size(cache, version));
        buf.putShort(Errors.NONE.code()).putLong(offset);
        body.write(new ByteBufferAccessor(buf), cache, version);
        return buf.array();
    }

    public static byte[] encodeError(Errors error, String message) {
        byte[] text = message == null ? null : message.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(2 + 4 + (text == null ? 0 : text.length));
        buf.putShort(error.code()).putInt(text == null ? -1 : text.length);
        if (text != null) {
            buf.put(text);
        }
        return buf.array();
    }

    /** The reply to a call of {@code key} at {@code version}; an error reply is thrown as its ApiException. */
    public static Reply decodeReply(ApiKeys key, short version, byte[] bytes) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        try {
            short code = buf.getShort();
            if (code != Errors.NONE.code()) {
                int n = buf.getInt();
                String message = null;
                if (n >= 0) {
                    byte[] text = new byte[n];
                    buf.get(text);
                    message = new String(text, StandardCharsets.UTF_8);
                }
                throw Errors.forCode(code).exception(message);
            }
            long offset = buf.getLong();
            ApiMessage body = key.messageType.newResponse();
            body.read(new ByteBufferAccessor(buf), version);
            return new Reply(offset, body);
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new InvalidRequestException("Malformed " + key + " reply from the controller", e);
        }
    }
}
