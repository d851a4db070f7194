package io.samsa.network.auth.sasl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.apache.kafka.common.message.SaslAuthenticateRequestData;
import org.apache.kafka.common.message.SaslAuthenticateResponseData;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.message.SaslHandshakeResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

import io.samsa.network.auth.SaslMechanismServer;
import io.samsa.network.transport.FileCopy;
import io.samsa.network.transport.TransportLayer;
import io.samsa.protocol.WireCodec;

/**
 * The authenticator on a transport that takes a few bytes per write, as a full socket buffer does: it asks for
 * writability, finishes each response before reading the next frame, and reports success (or closes on failure)
 * only once the last response is out.
 */
class SaslPartialWriteTest {
    private static final SaslServerMechanisms PLAIN = new SaslServerMechanisms(List.of("PLAIN"),
            Map.<String, Supplier<? extends SaslMechanismServer>>of("PLAIN",
                    () -> new PlainServer(Map.of("alice", "alice-secret"))));

    @Test
    void successIsReportedOnlyOnceTheLastResponseIsOut() throws IOException {
        TrickleTransport transport = new TrickleTransport(5);
        SaslServerAuthenticator authenticator = new SaslServerAuthenticator(transport, PLAIN, null);
        transport.input(WireCodec.encodeRequest(ApiKeys.SASL_HANDSHAKE, (short) 1, "c", 1,
                new SaslHandshakeRequestData().setMechanism("PLAIN")));
        transport.input(WireCodec.encodeRequest(ApiKeys.SASL_AUTHENTICATE, (short) 2, "c", 2,
                new SaslAuthenticateRequestData().setAuthBytes(
                        "\u0000alice\u0000alice-secret".getBytes(StandardCharsets.UTF_8))));

        int steps = 0;
        while (!authenticator.authenticate()) {
            assertThat(authenticator.wantsWrite()).as("stuck only on writing").isTrue();
            assertThat(++steps).isLessThan(1000);
        }
        assertThat(steps).as("several writes were needed").isGreaterThan(4);
        assertThat(authenticator.wantsWrite()).isFalse();
        assertThat(authenticator.principal()).hasToString("User:alice");

        ByteBuffer out = ByteBuffer.wrap(transport.written.toByteArray());
        SaslHandshakeResponseData handshake = (SaslHandshakeResponseData) WireCodec.decodeResponse(frame(out),
                ApiKeys.SASL_HANDSHAKE, (short) 1, 1);
        assertThat(handshake.mechanisms()).containsExactly("PLAIN");
        SaslAuthenticateResponseData done = (SaslAuthenticateResponseData) WireCodec.decodeResponse(frame(out),
                ApiKeys.SASL_AUTHENTICATE, (short) 2, 2);
        assertThat(done.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(out.hasRemaining()).isFalse();
    }

    @Test
    void aFailureClosesOnlyOnceItsResponseIsOut() throws IOException {
        TrickleTransport transport = new TrickleTransport(5);
        SaslServerAuthenticator authenticator = new SaslServerAuthenticator(transport, PLAIN, null);
        transport.input(WireCodec.encodeRequest(ApiKeys.SASL_HANDSHAKE, (short) 1, "c", 1,
                new SaslHandshakeRequestData().setMechanism("SCRAM-SHA-256")));
        assertThat(authenticator.authenticate()).isFalse();
        assertThat(authenticator.wantsWrite()).isTrue();
        assertThatThrownBy(() -> {
            for (int i = 0; i < 1000; i++) {
                authenticator.authenticate();
            }
        }).isInstanceOf(IOException.class).hasMessageContaining("Unsupported SASL mechanism SCRAM-SHA-256");
        SaslHandshakeResponseData handshake = (SaslHandshakeResponseData) WireCodec.decodeResponse(
                frame(ByteBuffer.wrap(transport.written.toByteArray())), ApiKeys.SASL_HANDSHAKE, (short) 1, 1);
        assertThat(handshake.errorCode()).isEqualTo(Errors.UNSUPPORTED_SASL_MECHANISM.code());
    }

    private static ByteBuffer frame(ByteBuffer out) {
        int size = out.getInt();
        ByteBuffer frame = out.slice();
        frame.limit(size);
        out.position(out.position() + frame.limit());
        return frame;
    }

    /** Reads from scripted input; writes at most {@code writeLimit} bytes per call. */
    private static final class TrickleTransport implements TransportLayer {
        private final int writeLimit;
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
        private ByteBuffer in = ByteBuffer.allocate(0);
        final ByteArrayOutputStream written = new ByteArrayOutputStream();

        TrickleTransport(int writeLimit) {
            this.writeLimit = writeLimit;
        }

        void input(ByteBuffer frame) {
            pending.write(frame.array(), frame.arrayOffset() + frame.position(), frame.remaining());
            in = ByteBuffer.wrap(pending.toByteArray());
        }

        @Override
        public int read(ByteBuffer dst) {
            int n = Math.min(dst.remaining(), in.remaining());
            ByteBuffer part = in.slice();
            part.limit(n);
            dst.put(part);
            in.position(in.position() + n);
            return n;
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) {
            long total = 0;
            for (int i = offset; i < offset + length && total < writeLimit; i++) {
                int n = (int) Math.min(srcs[i].remaining(), writeLimit - total);
                byte[] bytes = new byte[n];
                srcs[i].get(bytes);
                written.write(bytes, 0, n);
                total += n;
            }
            return total;
        }

        @Override
        public SocketChannel socketChannel() {
            return null;
        }

        @Override
        public boolean handshake() {
            return true;
        }

        @Override
        public boolean zeroCopy() {
            return false;
        }

        @Override
        public long transferFrom(FileChannel file, long position, long count) throws IOException {
            return FileCopy.transfer(file, position, count, this);
        }

        @Override
        public boolean hasPendingWrites() {
            return false;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }
}
