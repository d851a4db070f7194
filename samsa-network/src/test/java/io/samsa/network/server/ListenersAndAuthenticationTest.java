package io.samsa.network.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import io.samsa.network.auth.Authenticator;
import io.samsa.network.auth.Principal;
import io.samsa.network.auth.SecurityProtocol;
import io.samsa.network.transport.PlaintextTransport;
import io.samsa.network.transport.TransportLayer;
import io.samsa.protocol.ResponseSend;

/**
 * In-process: one acceptor per listener, each frame tagged with the listener it came in on, and a listener's
 * authenticator running to completion before the first request frame of a connection is read.
 */
class ListenersAndAuthenticationTest {
    /** Answers each frame with the listener name and principal of its session. */
    private static final FrameHandler WHO = (frame, session) -> {
        byte[] who = (session.listenerName() + " " + session.principal()).getBytes(StandardCharsets.UTF_8);
        return CompletableFuture.completedFuture(ResponseSend.ofBuffers(
                ByteBuffer.allocate(4).putInt(0, who.length), ByteBuffer.wrap(who)));
    };

    private static NetworkConfig config(List<Endpoint> endpoints) {
        return new NetworkConfig(endpoints, 2, 1024, 60_000, Integer.MAX_VALUE, Integer.MAX_VALUE, 1 << 20);
    }

    @Test
    void eachListenerHasItsOwnPortAndTagsItsFrames() throws Exception {
        List<Endpoint> endpoints = List.of(Endpoint.plaintext("127.0.0.1", 0),
                new Endpoint("internal", "127.0.0.1", 0, SecurityProtocol.PLAINTEXT));
        try (SocketServer server = new SocketServer(config(endpoints), WHO, id -> { })) {
            server.start();
            int plaintext = server.port("PLAINTEXT");
            int internal = server.port("INTERNAL");
            assertThat(server.port()).as("port() is the first listener's").isEqualTo(plaintext);
            assertThat(internal).isNotEqualTo(plaintext);
            assertThat(server.boundPorts()).containsKeys("PLAINTEXT", "INTERNAL");
            try (Socket a = new Socket("127.0.0.1", plaintext); Socket b = new Socket("127.0.0.1", internal)) {
                assertThat(ask(a, new byte[] {0, 0, 0, 1, 9})).isEqualTo("PLAINTEXT User:ANONYMOUS");
                assertThat(ask(b, new byte[] {0, 0, 0, 1, 9})).isEqualTo("INTERNAL User:ANONYMOUS");
            }
        }
    }

    @Test
    void theAuthenticatorRunsBeforeTheFirstFrameIsHandedOn() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        FrameHandler recording = (frame, session) -> {
            events.add("frame from " + session.principal());
            return WHO.handle(frame, session);
        };
        Endpoint secured = new Endpoint("SECURED", "127.0.0.1", 0, SecurityProtocol.PLAINTEXT);
        try (SocketServer server = new SocketServer(config(List.of(secured)), recording, id -> { },
                e -> new TokenChannels(events))) {
            server.start();
            try (Socket s = new Socket("127.0.0.1", server.port())) {
                // The token and the first request in one write: only an authenticator that runs first, reading
                // exactly its token, leaves the frame intact (read as a frame, 'A' would be a 1 GiB size).
                assertThat(ask(s, new byte[] {'A', 0, 0, 0, 1, 9})).isEqualTo("SECURED User:alice");
                assertThat(ask(s, new byte[] {0, 0, 0, 1, 9})).isEqualTo("SECURED User:alice");
            }
        }
        assertThat(events).containsExactly("authenticated", "frame from User:alice", "frame from User:alice");
    }

    @Test
    void aListenerWithAnotherSecurityProtocolIsRefusedBeforeAnythingBinds() {
        List<Endpoint> endpoints = List.of(Endpoint.plaintext("127.0.0.1", 0),
                new Endpoint("SECURE", "127.0.0.1", 0, SecurityProtocol.SASL_SSL));
        assertThatThrownBy(() -> new SocketServer(config(endpoints), WHO, id -> { }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Listener SECURE: security protocol SASL_SSL is not supported yet");
    }

    private static String ask(Socket s, byte[] request) throws IOException {
        s.setSoTimeout(10_000);
        s.getOutputStream().write(request);
        DataInputStream in = new DataInputStream(s.getInputStream());
        byte[] answer = new byte[in.readInt()];
        in.readFully(answer);
        return new String(answer, StandardCharsets.UTF_8);
    }

    /** Plaintext, with an authenticator that waits for the one byte 'A' and then names the peer User:alice. */
    private record TokenChannels(List<String> events) implements ChannelBuilder {
        @Override
        public TransportLayer transport(SocketChannel socket) {
            return new PlaintextTransport(socket);
        }

        @Override
        public Authenticator authenticator(TransportLayer transport) {
            return new Authenticator() {
                private final ByteBuffer token = ByteBuffer.allocate(1);

                @Override
                public boolean authenticate() throws IOException {
                    if (transport.read(token) < 0) {
                        throw new IOException("closed during authentication");
                    }
                    if (token.hasRemaining()) {
                        return false;
                    }
                    if (token.get(0) != 'A') {
                        throw new IOException("bad token");
                    }
                    events.add("authenticated");
                    return true;
                }

                @Override
                public Principal principal() {
                    return new Principal("User", "alice");
                }
            };
        }
    }
}
