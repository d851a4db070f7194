package io.samsa.network.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.samsa.protocol.ResponseSend;

/**
 * KIP-219 muting, from outside: a real {@link SocketServer} and raw frames over a socket. Each frame carries one int:
 * the handler answers with it and asks for that many ms of throttle; a negative value means no response but a
 * throttle of its absolute value (a Produce with acks=0 over its quota). The handler notes when each frame reached
 * it, on the server's clock, which is the one the throttle is measured by.
 */
class ThrottledConnectionTest {
    private final BlockingQueue<long[]> arrivals = new LinkedBlockingQueue<>();
    private SocketServer server;

    private final FrameHandler throttling = (frame, session) -> {
        int value = frame.getInt(frame.position());
        arrivals.add(new long[] {value, System.currentTimeMillis()});
        if (value < 0) {
            return CompletableFuture.completedFuture(ResponseSend.throttleOnly(-value));
        }
        ByteBuffer size = ByteBuffer.allocate(4).putInt(0, frame.remaining());
        return CompletableFuture.completedFuture(ResponseSend.ofBuffers(size, frame).throttle(value));
    };

    private void start(long maxIdleMs) throws IOException {
        server = new SocketServer(new NetworkConfig(List.of(Endpoint.plaintext("127.0.0.1", 0)), 1, 1024,
                maxIdleMs, Integer.MAX_VALUE, Integer.MAX_VALUE, 1 << 20), throttling, id -> { });
        server.start();
    }

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theResponseGoesOutAtOnceThenTheNextRequestIsNotReadUntilTheThrottleEnds() throws Exception {
        start(60_000);
        try (Socket s = connect()) {
            send(s, 3000);
            assertThat(receive(s)).isEqualTo(3000);
            long answered = System.currentTimeMillis();
            send(s, 0); // sent while muted: stays in the socket
            long[] first = arrival();
            long[] second = arrival();
            assertThat(first[0]).isEqualTo(3000);
            assertThat(second[0]).isZero();
            assertThat(answered).as("the throttled response arrived before the throttle ended")
                    .isLessThan(second[1]);
            assertThat(second[1] - first[1]).as("the next frame was read only after the throttle")
                    .isGreaterThanOrEqualTo(3000 - 20);
            assertThat(receive(s)).isZero();
        }
    }

    @Test
    void aRequestWithoutResponseStillMutesTheConnection() throws Exception {
        start(60_000);
        try (Socket s = connect()) {
            send(s, -1500);
            send(s, 7);
            assertThat(receive(s)).as("the only response is the second request's").isEqualTo(7);
            long[] first = arrival();
            long[] second = arrival();
            assertThat(second[1] - first[1]).isGreaterThanOrEqualTo(1500 - 20);
        }
    }

    @Test
    void theIdleTimeoutDoesNotCloseAMutedConnection() throws Exception {
        start(300); // idle scans run every second: several fall within the throttle
        try (Socket s = connect()) {
            send(s, 2500);
            assertThat(receive(s)).isEqualTo(2500);
            send(s, 1);
            assertThat(receive(s)).as("still open after a throttle much longer than the idle timeout").isEqualTo(1);
        }
    }

    @Test
    void aMutedConnectionThatTheClientClosesIsFreed() throws Exception {
        start(60_000);
        try (Socket s = connect()) {
            send(s, 1000);
            assertThat(receive(s)).isEqualTo(1000);
            assertThat(server.connections()).isEqualTo(1);
        }
        long deadline = System.currentTimeMillis() + 10_000;
        while (server.connections() > 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertThat(server.connections()).as("closed once the throttle ended and the close was seen").isZero();
        try (Socket other = connect()) {
            send(other, 0);
            assertThat(receive(other)).isZero();
        }
    }

    @Test
    void closingTheServerClosesMutedConnections() throws Exception {
        start(60_000);
        try (Socket s = connect()) {
            send(s, 60_000);
            assertThat(receive(s)).isEqualTo(60_000);
            server.close();
            server = null;
            assertThat(s.getInputStream().read()).as("closed by the server while muted").isEqualTo(-1);
        }
    }

    private Socket connect() throws IOException {
        Socket s = new Socket("127.0.0.1", server.port());
        s.setSoTimeout(10_000);
        return s;
    }

    private static void send(Socket s, int value) throws IOException {
        s.getOutputStream().write(ByteBuffer.allocate(8).putInt(4).putInt(value).array());
    }

    private static int receive(Socket s) throws IOException {
        DataInputStream in = new DataInputStream(s.getInputStream());
        assertThat(in.readInt()).isEqualTo(4);
        return in.readInt();
    }

    private long[] arrival() throws InterruptedException {
        long[] a = arrivals.poll(10, TimeUnit.SECONDS);
        assertThat(a).as("a frame reached the handler").isNotNull();
        return a;
    }
}
