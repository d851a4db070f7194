package io.samsa.protocol;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

import org.apache.kafka.common.network.ByteBufferSend;
import org.apache.kafka.common.network.Send;
import org.apache.kafka.common.network.TransferableChannel;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.SendBuilder;
import org.apache.kafka.common.requests.ResponseHeader;

/**
 * A response frame (size prefix included) on its way to a {@link FrameSink}. A response made by
 * {@link WireCodec#encodeResponse} is encoded lazily, by the first {@link #encode()} or {@link #writeTo}: the
 * network layer calls both on the thread that owns the connection, so the thread that completes a handler's
 * stage (a handler thread, the fetch purgatory, the group coordinator) never serializes. Record fields that are
 * {@link FileSliceRecords} go out through {@link FrameSink#transferFrom} (zero-copy on plaintext).
 *
 * <p>A response may ask that its connection be throttled ({@link #throttleMs}, KIP-219): the network layer writes it at
 * once and then reads nothing more from the connection until that time has passed. {@link #throttleOnly} stands for
 * "no response, but throttle" (a Produce with acks=0 over its quota): nothing is written.
 *
 * <p>Not thread-safe: one thread encodes and writes it (the connection's network thread); the throttle time is set
 * by the thread that makes it, before it is handed over.
 */
public final class ResponseSend {
    private final ApiKeys apiKey;
    private final int correlationId;
    private final short version;
    private final ApiMessage body;
    private Send send;
    private SinkChannel channel;
    private int throttleMs;

    private ResponseSend(ApiKeys apiKey, int correlationId, short version, ApiMessage body, Send send) {
        this.apiKey = apiKey;
        this.correlationId = correlationId;
        this.version = version;
        this.body = body;
        this.send = send;
    }

    static ResponseSend of(ApiKeys apiKey, int correlationId, short version, ApiMessage body) {
        return new ResponseSend(apiKey, correlationId, version, body, null);
    }

    /** A frame already encoded (size prefix first): for tests and raw echo servers. */
    public static ResponseSend ofBuffers(ByteBuffer... buffers) {
        return new ResponseSend(null, -1, (short) -1, null, new ByteBufferSend(buffers));
    }

    /** No response frame, only a throttle of the connection for {@code throttleMs} (acks=0 over its quota). */
    public static ResponseSend throttleOnly(int throttleMs) {
        return new ResponseSend(null, -1, (short) -1, null, null).throttle(throttleMs);
    }

    /** Whether there is a frame to write ({@link #throttleOnly} has none). */
    public boolean hasFrame() {
        return send != null || body != null;
    }

    /** Asks the network layer to read nothing from the connection for {@code ms} once this response is out. */
    public ResponseSend throttle(int ms) {
        this.throttleMs = Math.max(0, ms);
        return this;
    }

    /** How long the connection is muted after this response (0: not at all). */
    public int throttleMs() {
        return throttleMs;
    }

    /**
     * Serializes the frame if not done yet. Throws what the serializer throws (a field the version cannot carry:
     * {@code UnsupportedVersionException}); the caller then closes the connection, as for a failed handler.
     */
    public void encode() {
        if (send == null) {
            ResponseHeader header = new ResponseHeader(correlationId, apiKey.responseHeaderVersion(version));
            send = SendBuilder.buildResponseSend(header, body, version);
        }
    }

    /** Writes what the sink takes now; true once the whole frame is written. */
    public boolean writeTo(FrameSink sink) throws IOException {
        encode();
        if (channel == null || channel.sink != sink) {
            channel = new SinkChannel(sink);
        }
        send.writeTo(channel);
        return send.completed() && !sink.hasPendingWrites();
    }

    /** The frame's size in bytes, size prefix included (encodes it first). */
    public long size() {
        encode();
        return send.size();
    }

    /** kafka-clients' send writes to a {@code TransferableChannel}; this one forwards to the sink. */
    private static final class SinkChannel implements TransferableChannel {
        final FrameSink sink;

        SinkChannel(FrameSink sink) {
            this.sink = sink;
        }

        @Override
        public boolean hasPendingWrites() {
            return sink.hasPendingWrites();
        }

        @Override
        public long transferFrom(FileChannel fileChannel, long position, long count) throws IOException {
            return sink.transferFrom(fileChannel, position, count);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            return sink.write(srcs, offset, length);
        }

        @Override
        public long write(ByteBuffer[] srcs) throws IOException {
            return sink.write(srcs, 0, srcs.length);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return (int) sink.write(new ByteBuffer[] {src}, 0, 1);
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
            // the transport's owner closes it
        }
    }
}
