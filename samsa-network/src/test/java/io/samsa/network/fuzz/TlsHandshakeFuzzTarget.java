package io.samsa.network.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

import org.junit.jupiter.api.AfterAll;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.samsa.network.tls.SslFactory;
import io.samsa.network.tls.SslTransport;
import io.samsa.testkit.TestCertificates;

/**
 * Coverage-guided fuzzing of the broker side of a TLS handshake: any bytes a client sends before closing its side
 * end in an IOException (a bad record, an alert, the end of the stream) or in a finished handshake — never in an
 * unchecked exception, an error, or a transport that keeps reporting neither progress nor failure. Over a real
 * loopback connection, since {@link SslTransport} runs over a socket.
 */
class TlsHandshakeFuzzTarget {
    private static SslFactory server;
    private static ServerSocketChannel listener;

    private static void open() throws IOException {
        if (server == null) {
            server = SslFactory.forServer(TestCertificates.shared().serverConfigs());
            listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        }
    }

    @FuzzTest(maxDuration = FuzzDurations.SUITE)
    void handshakesOrFails(byte[] clientBytes) {
        try {
            open();
            try (SocketChannel client = SocketChannel.open(listener.getLocalAddress());
                 SocketChannel accepted = listener.accept()) {
                client.write(ByteBuffer.wrap(clientBytes));
                client.shutdownOutput();
                accepted.configureBlocking(false);
                SslTransport transport = new SslTransport(accepted, server.createEngine("127.0.0.1", 0));
                drive(transport);
            }
        } catch (IOException setup) {
            throw new UncheckedIOException(setup);
        }
    }

    /** Steps the handshake until it finishes or fails; the client's bytes and its end of stream are all there. */
    private static void drive(SslTransport transport) {
        ByteBuffer app = ByteBuffer.allocate(1 << 16);
        for (int step = 0; step < 2_000; step++) {
            try {
                if (transport.handshake()) {
                    if (transport.read(app) < 0) {
                        return;
                    }
                    app.clear();
                }
            } catch (IOException failed) {
                return;
            }
            if (step > 0 && step % 100 == 0) {
                Thread.onSpinWait(); // the last bytes may still be on their way through loopback
            }
        }
        throw new AssertionError("the TLS transport neither finished nor failed in 2,000 steps at end of stream");
    }

    @AfterAll
    static void close() throws IOException {
        if (listener != null) {
            listener.close();
        }
    }
}
