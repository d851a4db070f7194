package io.samsa.network.auth.sasl;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import io.samsa.network.auth.Authenticator;
import io.samsa.network.auth.SecurityProtocol;
import io.samsa.network.server.ChannelBuilder;
import io.samsa.network.server.Endpoint;
import io.samsa.network.server.FrameHandler;
import io.samsa.network.server.NetworkConfig;
import io.samsa.network.server.SocketServer;
import io.samsa.network.transport.PlaintextTransport;
import io.samsa.network.transport.TransportLayer;
import io.samsa.protocol.ResponseSend;

/** A started {@link SocketServer} with one SASL_PLAINTEXT listener ("SASL") and one network thread, for the tests. */
final class SaslTestServer {
    private SaslTestServer() {
    }

    static SocketServer start(FrameHandler handler, Function<TransportLayer, Authenticator> authenticators)
            throws IOException {
        Endpoint endpoint = new Endpoint("SASL", "127.0.0.1", 0, SecurityProtocol.SASL_PLAINTEXT);
        NetworkConfig config = new NetworkConfig(List.of(endpoint), 1, 1 << 20, 60_000, Integer.MAX_VALUE,
                Integer.MAX_VALUE, 1 << 20);
        SocketServer server = new SocketServer(config, handler, id -> { }, e -> new ChannelBuilder() {
            @Override
            public TransportLayer transport(SocketChannel socket) {
                return new PlaintextTransport(socket);
            }

            @Override
            public Authenticator authenticator(TransportLayer transport) {
                return authenticators.apply(transport);
            }
        });
        server.start();
        return server;
    }

    /** A size-prefixed raw frame holding {@code text}: what the test handlers answer. */
    static ResponseSend textFrame(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return ResponseSend.ofBuffers(ByteBuffer.allocate(4).putInt(0, bytes.length), ByteBuffer.wrap(bytes));
    }

    /** Answers every frame with the sender's principal. */
    static FrameHandler principalEcho() {
        return (frame, session) -> CompletableFuture.completedFuture(textFrame(session.principal().toString()));
    }
}
