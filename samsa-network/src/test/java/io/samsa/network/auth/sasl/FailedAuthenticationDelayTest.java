package io.samsa.network.auth.sasl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.apache.kafka.common.message.SaslAuthenticateRequestData;
import org.apache.kafka.common.message.SaslAuthenticateResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.samsa.network.auth.SaslMechanismServer;
import io.samsa.network.server.SocketServer;
import io.samsa.protocol.WireCodec;

/**
 * {@code connection.failed.authentication.delay.ms}, as Kafka: a failed login is answered (and its connection
 * closed) only after the delay, which slows password guessing — without holding up the network thread: on a server
 * with one, another client logs in and is served while the failure waits.
 */
class FailedAuthenticationDelayTest {
    private static final long DELAY_MS = 800;
    private SocketServer server;
    private int port;

    @BeforeEach
    void start() throws IOException {
        SaslServerMechanisms mechanisms = new SaslServerMechanisms(List.of("PLAIN"),
                Map.<String, Supplier<? extends SaslMechanismServer>>of(
                        "PLAIN", () -> new PlainServer(Map.of("alice", "alice-secret"))));
        server = SaslTestServer.start(SaslTestServer.principalEcho(), transport -> new SaslServerAuthenticator(
                transport, mechanisms, null, new SaslServerSettings(SaslServerAuthenticator.DEFAULT_MAX_RECEIVE_SIZE,
                        m -> 0L, DELAY_MS)));
        port = server.port();
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    @Test
    void aFailedLoginIsAnsweredAfterTheDelayWhileOthersAreServed() throws Exception {
        try (SaslTestClient guesser = new SaslTestClient(port); SaslTestClient alice = new SaslTestClient(port)) {
            assertThat(guesser.handshake("PLAIN").errorCode()).isZero();
            long sent = System.nanoTime();
            guesser.send(ApiKeys.SASL_AUTHENTICATE, (short) 2, new SaslAuthenticateRequestData()
                    .setAuthBytes("\u0000alice\u0000guess".getBytes(StandardCharsets.UTF_8)));

            // Meanwhile the one network thread serves alice from login to request.
            assertThat(alice.handshake("PLAIN").errorCode()).isZero();
            assertThat(alice.authenticate("\u0000alice\u0000alice-secret".getBytes(StandardCharsets.UTF_8))
                    .errorCode()).isZero();
            alice.write(new byte[] {0, 0, 0, 2, 0, 3});
            assertThat(new String(alice.readFrame(), StandardCharsets.UTF_8)).isEqualTo("User:alice");
            long aliceDoneMs = (System.nanoTime() - sent) / 1_000_000;

            byte[] frame = guesser.readFrame();
            long answeredMs = (System.nanoTime() - sent) / 1_000_000;
            SaslAuthenticateResponseData failed = (SaslAuthenticateResponseData)
                    WireCodec.decodeResponse(ByteBuffer.wrap(frame), ApiKeys.SASL_AUTHENTICATE,
                            (short) 2, 2);
            assertThat(failed.errorCode()).isEqualTo(Errors.SASL_AUTHENTICATION_FAILED.code());
            assertThat(answeredMs).as("the failure waited for connection.failed.authentication.delay.ms")
                    .isGreaterThanOrEqualTo(DELAY_MS);
            assertThat(aliceDoneMs).as("alice was served while the failure waited").isLessThan(answeredMs);
            assertThat(guesser.closedByServer()).isTrue();
        }
    }
}
