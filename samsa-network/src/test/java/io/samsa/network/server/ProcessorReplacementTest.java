package io.samsa.network.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import io.samsa.protocol.ResponseSend;

/**
 * A network thread that ends anyway (here: its selector breaks, which no client can cause from outside) is
 * replaced and counted; its connections are lost, and new connections are served by the replacement. In-process,
 * because nothing a client sends can make a processor thread exit any more.
 */
class ProcessorReplacementTest {
    /** Answers every frame with itself. */
    private static final FrameHandler ECHO = (frame, client) -> {
        ByteBuffer size = ByteBuffer.allocate(4).putInt(0, frame.remaining());
        return CompletableFuture.completedFuture(ResponseSend.ofBuffers(size, frame));
    };

    @Test
    void aNetworkThreadThatEndsIsReplaced() throws Exception {
        NetworkConfig config = new NetworkConfig(List.of(Endpoint.plaintext("127.0.0.1", 0)), 1, 1024, 60_000, Integer.MAX_VALUE,
                Integer.MAX_VALUE, 1 << 20);
        try (SocketServer server = new SocketServer(config, ECHO, id -> { })) {
            server.start();
            try (Socket before = new Socket("127.0.0.1", server.port())) {
                assertThat(echo(before, 1)).isEqualTo(1);
                server.breakNetworkThreadForTest(0);
                while (server.networkThreadRestarts() == 0) {
                    Thread.onSpinWait();
                }
                assertThat(new DataInputStream(before.getInputStream()).read())
                        .as("a connection of the thread that ended is closed").isEqualTo(-1);
            }
            for (int i = 0; i < 3; i++) {
                try (Socket after = new Socket("127.0.0.1", server.port())) {
                    assertThat(echo(after, 10 + i)).as("new connection " + i + " served by the replacement")
                            .isEqualTo(10 + i);
                }
            }
            assertThat(server.networkThreadRestarts()).isEqualTo(1);
        }
    }

    private static int echo(Socket s, int value) throws IOException {
        s.setSoTimeout(10_000);
        s.getOutputStream().write(ByteBuffer.allocate(8).putInt(4).putInt(value).array());
        DataInputStream in = new DataInputStream(s.getInputStream());
        assertThat(in.readInt()).isEqualTo(4);
        return in.readInt();
    }
}
