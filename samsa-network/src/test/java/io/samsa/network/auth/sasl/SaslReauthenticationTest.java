package io.samsa.network.auth.sasl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.sasl.Sasl;
import javax.security.sasl.SaslClient;

import org.apache.kafka.common.message.SaslAuthenticateResponseData;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.security.scram.internals.ScramSaslClientProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.samsa.network.auth.SaslMechanismServer;
import io.samsa.network.auth.scram.ScramCredential;
import io.samsa.network.auth.scram.ScramServer;
import io.samsa.network.server.FrameHandler;
import io.samsa.network.server.SocketServer;
import io.samsa.protocol.ScramMechanism;

/**
 * KIP-368 on a real {@link SocketServer}: PLAIN sessions last {@value #LIFETIME_MS} ms
 * ({@code connections.max.reauth.ms}), SCRAM-SHA-512 sessions for ever. Driven over a socket with Kafka frames: the
 * lifetime is told in SaslAuthenticate, a SaslHandshake on the authenticated connection re-authenticates it (same
 * user and mechanism only), and the first request after the lifetime closes the connection unanswered.
 */
class SaslReauthenticationTest {
    private static final long LIFETIME_MS = 2000;
    private static final Map<String, String> PLAIN_USERS = Map.of("alice", "alice-secret", "bob", "bob-secret");
    private static final ScramCredential ALICE_SCRAM =
            ScramCredential.create(ScramMechanism.SCRAM_SHA_512, "alice-secret", 4096);

    /** What reached the frame handler: the API key of each frame and who sent it. */
    private final List<String> frames = new CopyOnWriteArrayList<>();
    private SocketServer server;
    private int port;

    @BeforeAll
    static void kafkasScramClient() {
        ScramSaslClientProvider.initialize();
    }

    @BeforeEach
    void start() throws IOException {
        SaslServerMechanisms mechanisms = new SaslServerMechanisms(List.of("PLAIN", "SCRAM-SHA-512"),
                Map.<String, Supplier<? extends SaslMechanismServer>>of(
                        "PLAIN", () -> new PlainServer(PLAIN_USERS),
                        "SCRAM-SHA-512", () -> new ScramServer(ScramMechanism.SCRAM_SHA_512,
                                (u, m) -> u.equals("alice") ? ALICE_SCRAM : null)));
        FrameHandler who = (frame, session) -> {
            frames.add(ApiKeys.forId(frame.getShort(frame.position())) + " from " + session.principal());
            return CompletableFuture.completedFuture(SaslTestServer.textFrame(session.principal().toString()));
        };
        server = SaslTestServer.start(who, transport -> new SaslServerAuthenticator(transport, mechanisms, null,
                new SaslServerSettings(SaslServerAuthenticator.DEFAULT_MAX_RECEIVE_SIZE,
                        mechanism -> mechanism.equals("PLAIN") ? LIFETIME_MS : 0, 0)));
        port = server.port();
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    @Test
    void reauthenticatingBeforeTheLifetimeEndsKeepsTheConnectionServed() throws Exception {
        try (SaslTestClient client = new SaslTestClient(port)) {
            long start = System.nanoTime();
            assertThat(plain(client, "alice", "alice-secret").sessionLifetimeMs()).isEqualTo(LIFETIME_MS);
            assertThat(whoAmI(client)).isEqualTo("User:alice");

            sleepUntil(start, LIFETIME_MS * 6 / 10);
            assertThat(client.handshake("PLAIN").errorCode()).isEqualTo(Errors.NONE.code());
            SaslAuthenticateResponseData again = client.authenticate(token("alice", "alice-secret"));
            assertThat(again.errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(again.sessionLifetimeMs()).as("a new session").isEqualTo(LIFETIME_MS);

            sleepUntil(start, LIFETIME_MS * 13 / 10); // past the first session's end, inside the second
            assertThat(whoAmI(client)).isEqualTo("User:alice");
        }
        assertThat(frames).as("the re-authentication never reached the handlers")
                .containsExactly("METADATA from User:alice", "METADATA from User:alice");
    }

    @Test
    void theFirstRequestAfterTheLifetimeClosesTheConnectionUnanswered() throws Exception {
        try (SaslTestClient client = new SaslTestClient(port)) {
            long start = System.nanoTime();
            plain(client, "alice", "alice-secret");
            assertThat(whoAmI(client)).isEqualTo("User:alice");
            sleepUntil(start, LIFETIME_MS + 300);
            client.write(new byte[] {0, 0, 0, 2, 0, 3}); // a Metadata request's first bytes
            assertThat(client.closedByServer()).isTrue();
        }
        assertThat(frames).containsExactly("METADATA from User:alice");
    }

    @Test
    void reauthenticatingAsAnotherUserFailsAndCloses() throws Exception {
        try (SaslTestClient client = new SaslTestClient(port)) {
            plain(client, "alice", "alice-secret");
            assertThat(client.handshake("PLAIN").errorCode()).isEqualTo(Errors.NONE.code());
            SaslAuthenticateResponseData bob = client.authenticate(token("bob", "bob-secret"));
            assertThat(bob.errorCode()).isEqualTo(Errors.SASL_AUTHENTICATION_FAILED.code());
            assertThat(bob.errorMessage())
                    .isEqualTo("Cannot change principals during re-authentication from User.alice: User.bob");
            assertThat(client.closedByServer()).isTrue();
        }
        assertThat(frames).isEmpty();
    }

    @Test
    void reauthenticatingWithAnotherMechanismFailsAndCloses() throws Exception {
        try (SaslTestClient client = new SaslTestClient(port)) {
            plain(client, "alice", "alice-secret");
            assertThat(client.handshake("SCRAM-SHA-512").errorCode()).isEqualTo(Errors.NONE.code());
            SaslAuthenticateResponseData scram = client.authenticate(new byte[] {1});
            assertThat(scram.errorCode()).isEqualTo(Errors.SASL_AUTHENTICATION_FAILED.code());
            assertThat(scram.errorMessage()).isEqualTo("SASL mechanism 'SCRAM-SHA-512' requested by client is not"
                    + " supported for re-authentication of mechanism 'PLAIN'");
            assertThat(client.closedByServer()).isTrue();
        }
    }

    @Test
    void withoutALifetimeASaslHandshakeIsAnOrdinaryRequest() throws Exception {
        try (SaslTestClient client = new SaslTestClient(port)) {
            client.handshake("SCRAM-SHA-512");
            SaslClient scram = Sasl.createSaslClient(new String[] {"SCRAM-SHA-512"}, null, "kafka", "127.0.0.1",
                    Map.of(), credentials("alice", "alice-secret"));
            SaslAuthenticateResponseData first = client.authenticate(scram.evaluateChallenge(new byte[0]));
            SaslAuthenticateResponseData last = client.authenticate(scram.evaluateChallenge(first.authBytes()));
            assertThat(last.errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(last.sessionLifetimeMs()).isZero();

            client.send(ApiKeys.SASL_HANDSHAKE, (short) 1, new SaslHandshakeRequestData().setMechanism("PLAIN"));
            assertThat(new String(client.readFrame(), StandardCharsets.UTF_8)).isEqualTo("User:alice");
        }
        assertThat(frames).containsExactly("SASL_HANDSHAKE from User:alice");
    }

    @Test
    void aSecondReauthenticationWithinASecondIsAnOrdinaryRequest() throws Exception {
        try (SaslTestClient client = new SaslTestClient(port)) {
            plain(client, "alice", "alice-secret");
            client.handshake("PLAIN");
            assertThat(client.authenticate(token("alice", "alice-secret")).errorCode()).isEqualTo(Errors.NONE.code());

            client.send(ApiKeys.SASL_HANDSHAKE, (short) 1, new SaslHandshakeRequestData().setMechanism("PLAIN"));
            assertThat(new String(client.readFrame(), StandardCharsets.UTF_8)).isEqualTo("User:alice");
        }
        assertThat(frames).containsExactly("SASL_HANDSHAKE from User:alice");
    }

    private static SaslAuthenticateResponseData plain(SaslTestClient client, String user, String password)
            throws IOException {
        assertThat(client.handshake("PLAIN").errorCode()).isEqualTo(Errors.NONE.code());
        SaslAuthenticateResponseData done = client.authenticate(token(user, password));
        assertThat(done.errorCode()).isEqualTo(Errors.NONE.code());
        return done;
    }

    private static byte[] token(String user, String password) {
        return ("\u0000" + user + "\u0000" + password).getBytes(StandardCharsets.UTF_8);
    }

    /** A Metadata v0 request for all topics (the handler only reads its API key). */
    private static String whoAmI(SaslTestClient client) throws IOException {
        client.write(new byte[] {0, 0, 0, 2, 0, 3});
        return new String(client.readFrame(), StandardCharsets.UTF_8);
    }

    private static void sleepUntil(long startNanos, long offsetMs) throws InterruptedException {
        long remainingMs = offsetMs - (System.nanoTime() - startNanos) / 1_000_000;
        if (remainingMs > 0) {
            Thread.sleep(remainingMs);
        }
    }

    private static CallbackHandler credentials(String user, String password) {
        return (Callback[] callbacks) -> {
            for (Callback callback : callbacks) {
                if (callback instanceof NameCallback name) {
                    name.setName(user);
                } else if (callback instanceof PasswordCallback pw) {
                    pw.setPassword(password.toCharArray());
                }
            }
        };
    }
}
