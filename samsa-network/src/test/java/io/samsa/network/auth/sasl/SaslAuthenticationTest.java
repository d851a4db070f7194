package io.samsa.network.auth.sasl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
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

import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersionCollection;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.SaslAuthenticateResponseData;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.message.SaslHandshakeResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.security.scram.internals.ScramSaslClientProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.samsa.network.auth.JaasConfig;
import io.samsa.network.auth.SaslMechanismServer;
import io.samsa.network.auth.scram.ScramCredential;
import io.samsa.protocol.ScramMechanism;
import io.samsa.network.auth.scram.ScramServer;
import io.samsa.network.auth.scram.TestScramClient;
import io.samsa.network.server.FrameHandler;
import io.samsa.network.server.SocketServer;

/**
 * A SASL_PLAINTEXT listener of a real {@link SocketServer}, driven over a socket with Kafka request frames and
 * kafka-clients' own SCRAM client (the JDK's for PLAIN): the right password reaches the frame handler as the user;
 * every failure is answered as Kafka answers it, and the connection closes without a frame reaching the handler.
 */
class SaslAuthenticationTest {
    private static final String JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required"
            + " username=\"admin\" password=\"admin-secret\" user_admin=\"admin-secret\" user_alice=\"alice-secret\";";
    private static final Map<ScramMechanism, ScramCredential> ALICE = Map.of(
            ScramMechanism.SCRAM_SHA_256, ScramCredential.create(ScramMechanism.SCRAM_SHA_256, "alice-secret", 4096),
            ScramMechanism.SCRAM_SHA_512, ScramCredential.create(ScramMechanism.SCRAM_SHA_512, "alice-secret", 8192));
    /** The ApiVersions the broker would give: ApiVersions v0-3 (v4 gets the UNSUPPORTED_VERSION fallback). */
    private static final ApiVersionsResponder API_VERSIONS = new ApiVersionsResponder() {
        @Override
        public boolean supports(short version) {
            return version >= 0 && version <= 3;
        }

        @Override
        public ApiVersionsResponseData respond(short version, ApiVersionsRequestData request) {
            ApiVersionCollection apis = new ApiVersionCollection();
            apis.add(api(ApiKeys.PRODUCE, 3, 11));
            apis.add(api(ApiKeys.API_VERSIONS, 0, 3));
            apis.add(api(ApiKeys.SASL_HANDSHAKE, 0, 1));
            apis.add(api(ApiKeys.SASL_AUTHENTICATE, 0, 2));
            return new ApiVersionsResponseData().setApiKeys(apis);
        }
    };

    private final List<String> frames = new CopyOnWriteArrayList<>();
    private SocketServer server;
    private int port;

    @BeforeAll
    static void kafkasScramClient() {
        ScramSaslClientProvider.initialize();
    }

    @BeforeEach
    void start() throws IOException {
        Map<String, String> users = PlainServer.usersFromJaasOptions(JaasConfig.parse(JAAS).options());
        SaslServerMechanisms mechanisms = new SaslServerMechanisms(List.of("SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN"),
                Map.<String, Supplier<? extends SaslMechanismServer>>of(
                        "PLAIN", () -> new PlainServer(users),
                        "SCRAM-SHA-256", () -> new ScramServer(ScramMechanism.SCRAM_SHA_256, (u, m) -> store(u, m)),
                        "SCRAM-SHA-512", () -> new ScramServer(ScramMechanism.SCRAM_SHA_512, (u, m) -> store(u, m))));
        FrameHandler who = (frame, session) -> {
            frames.add("frame from " + session.principal());
            return CompletableFuture.completedFuture(
                    SaslTestServer.textFrame(session.listenerName() + " " + session.principal()));
        };
        server = SaslTestServer.start(who, transport -> new SaslServerAuthenticator(transport, mechanisms,
                API_VERSIONS));
        port = server.port();
    }

    private static ScramCredential store(String user, ScramMechanism mechanism) {
        return user.equals("alice") ? ALICE.get(mechanism) : null;
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    @Test
    void plainWithTheRightPasswordReachesTheHandlerAsTheUser() throws Exception {
        try (SaslTestClient client = new SaslTestClient(port)) {
            ApiVersionsResponseData versions = (ApiVersionsResponseData) client.request(ApiKeys.API_VERSIONS,
                    (short) 3, new ApiVersionsRequestData().setClientSoftwareName("test").setClientSoftwareVersion("1"));
            assertThat(versions.errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(versions.apiKeys().find(ApiKeys.SASL_AUTHENTICATE.id).maxVersion()).isEqualTo((short) 2);

            SaslHandshakeResponseData handshake = client.handshake("PLAIN");
            assertThat(handshake.errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(handshake.mechanisms()).containsExactly("SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN");

            SaslClient plain = Sasl.createSaslClient(new String[] {"PLAIN"}, null, "kafka", "127.0.0.1", null,
                    credentials("alice", "alice-secret"));
            SaslAuthenticateResponseData done = client.authenticate(plain.evaluateChallenge(new byte[0]));
            assertThat(done.errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(done.sessionLifetimeMs()).as("no re-authentication yet").isZero();

            assertThat(whoAmI(client)).isEqualTo("SASL User:alice");
            assertThat(whoAmI(client)).isEqualTo("SASL User:alice");
        }
        assertThat(frames).containsExactly("frame from User:alice", "frame from User:alice");
    }

    @ParameterizedTest
    @ValueSource(strings = {"SCRAM-SHA-256", "SCRAM-SHA-512"})
    void scramWithKafkasOwnClientReachesTheHandlerAsTheUser(String mechanism) throws Exception {
        try (SaslTestClient client = new SaslTestClient(port)) {
            assertThat(client.handshake(mechanism).errorCode()).isEqualTo(Errors.NONE.code());
            SaslClient scram = Sasl.createSaslClient(new String[] {mechanism}, null, "kafka", "127.0.0.1",
                    Map.of(), credentials("alice", "alice-secret"));
            SaslAuthenticateResponseData first = client.authenticate(scram.evaluateChallenge(new byte[0]));
            assertThat(first.errorCode()).isEqualTo(Errors.NONE.code());
            SaslAuthenticateResponseData last = client.authenticate(scram.evaluateChallenge(first.authBytes()));
            assertThat(last.errorCode()).isEqualTo(Errors.NONE.code());
            scram.evaluateChallenge(last.authBytes()); // kafka-clients checks the server signature here
            assertThat(scram.isComplete()).isTrue();

            assertThat(whoAmI(client)).isEqualTo("SASL User:alice");
        }
        assertThat(frames).containsExactly("frame from User:alice");
    }

    @Test
    void aWrongScramPasswordIsToldThenClosedAndNothingReachesTheHandler() throws Exception {
        try (SaslTestClient client = new SaslTestClient(port)) {
            client.handshake("SCRAM-SHA-512");
            SaslClient scram = Sasl.createSaslClient(new String[] {"SCRAM-SHA-512"}, null, "kafka", "127.0.0.1",
                    Map.of(), credentials("alice", "wrong"));
            SaslAuthenticateResponseData first = client.authenticate(scram.evaluateChallenge(new byte[0]));
            SaslAuthenticateResponseData last = client.authenticate(scram.evaluateChallenge(first.authBytes()));
            assertThat(last.errorCode()).isEqualTo(Errors.SASL_AUTHENTICATION_FAILED.code());
            assertThat(last.errorMessage()).isEqualTo("Authentication failed during authentication due to invalid"
                    + " credentials with SASL mechanism SCRAM-SHA-512");
            assertThat(client.closedByServer()).isTrue();
        }
        assertThat(frames).isEmpty();
    }

    @Test
    void anUnknownScramUserGetsTheSameAnswerAsAWrongPassword() throws Exception {
        try (SaslTestClient client = new SaslTestClient(port)) {
            client.handshake("SCRAM-SHA-256");
            SaslClient scram = Sasl.createSaslClient(new String[] {"SCRAM-SHA-256"}, null, "kafka", "127.0.0.1",
                    Map.of(), credentials("mallory", "guess"));
            SaslAuthenticateResponseData first = client.authenticate(scram.evaluateChallenge(new byte[0]));
            assertThat(first.errorCode()).as("the user's existence is not told early").isEqualTo(Errors.NONE.code());
            SaslAuthenticateResponseData last = client.authenticate(scram.evaluateChallenge(first.authBytes()));
            assertThat(last.errorCode()).isEqualTo(Errors.SASL_AUTHENTICATION_FAILED.code());
            assertThat(last.errorMessage()).isEqualTo("Authentication failed during authentication due to invalid"
                    + " credentials with SASL mechanism SCRAM-SHA-256");
            assertThat(client.closedByServer()).isTrue();
        }
        assertThat(frames).isEmpty();
    }

    @Test
    void aWrongPlainPasswordGetsKafkasPlainMessage() throws Exception {
        try (SaslTestClient client = new SaslTestClient(port)) {
            client.handshake("PLAIN");
            SaslAuthenticateResponseData done = client.authenticate(
                    "\u0000alice\u0000nope".getBytes(StandardCharsets.UTF_8));
            assertThat(done.errorCode()).isEqualTo(Errors.SASL_AUTHENTICATION_FAILED.code());
            assertThat(done.errorMessage()).isEqualTo("Authentication failed: Invalid username or password");
            assertThat(client.closedByServer()).isTrue();
        }
        assertThat(frames).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"SCRAM-SHA-256", "SCRAM-SHA-512"})
    void librdkafkasLegacyNonceIsAcceptedOverTheWire(String mechanism) throws Exception {
        ScramMechanism m = ScramMechanism.forName(mechanism);
        try (SaslTestClient client = new SaslTestClient(port)) {
            client.handshake(mechanism);
            TestScramClient scram = new TestScramClient(m, "alice", "alice-secret", "kcatNonce0123456789");
            SaslAuthenticateResponseData first = client.authenticate(scram.first());
            SaslAuthenticateResponseData last = client.authenticate(
                    scram.last(first.authBytes(), n -> scram.clientNonce() + n));
            assertThat(last.errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(scram.serverVerified(last.authBytes())).isTrue();
            assertThat(whoAmI(client)).isEqualTo("SASL User:alice");
        }
    }

    @Test
    void aNonceNeitherCorrectNorTheLegacyFormIsRejected() throws Exception {
        try (SaslTestClient client = new SaslTestClient(port)) {
            client.handshake("SCRAM-SHA-512");
            TestScramClient scram = new TestScramClient(ScramMechanism.SCRAM_SHA_512, "alice", "alice-secret", "abc");
            SaslAuthenticateResponseData first = client.authenticate(scram.first());
            SaslAuthenticateResponseData last = client.authenticate(scram.last(first.authBytes(), n -> n + "abd"));
            assertThat(last.errorCode()).isEqualTo(Errors.SASL_AUTHENTICATION_FAILED.code());
            assertThat(client.closedByServer()).isTrue();
        }
        assertThat(frames).isEmpty();
    }

    @Test
    void anUnknownMechanismIsToldTheEnabledOnesThenClosed() throws Exception {
        try (SaslTestClient client = new SaslTestClient(port)) {
            SaslHandshakeResponseData handshake = client.handshake("GSSAPI");
            assertThat(handshake.errorCode()).isEqualTo(Errors.UNSUPPORTED_SASL_MECHANISM.code());
            assertThat(handshake.mechanisms()).containsExactly("SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN");
            assertThat(client.closedByServer()).isTrue();
        }
        assertThat(frames).isEmpty();
    }

    @Test
    void aProduceBeforeTheHandshakeClosesTheConnectionUnanswered() throws Exception {
        try (SaslTestClient client = new SaslTestClient(port)) {
            client.send(ApiKeys.PRODUCE, (short) 9, new ProduceRequestData().setAcks((short) 1).setTimeoutMs(1000));
            assertThat(client.closedByServer()).isTrue();
        }
        assertThat(frames).isEmpty();
    }

    @Test
    void anotherRequestAfterTheHandshakeGetsIllegalSaslStateThenClosed() throws Exception {
        try (SaslTestClient client = new SaslTestClient(port)) {
            client.handshake("PLAIN");
            ListGroupsResponseData answer = (ListGroupsResponseData) client.request(ApiKeys.LIST_GROUPS, (short) 4,
                    new ListGroupsRequestData());
            assertThat(answer.errorCode()).isEqualTo(Errors.ILLEGAL_SASL_STATE.code());
            assertThat(client.closedByServer()).isTrue();
        }
        assertThat(frames).isEmpty();
    }

    @Test
    void aFrameLargerThanTheSaslLimitClosesTheConnection() throws Exception {
        try (SaslTestClient client = new SaslTestClient(port)) {
            client.write(ByteBuffer.allocate(4).putInt(SaslServerAuthenticator.DEFAULT_MAX_RECEIVE_SIZE + 1).array());
            assertThat(client.closedByServer()).isTrue();
        }
        try (SaslTestClient client = new SaslTestClient(port)) {
            client.handshake("PLAIN");
            client.write(ByteBuffer.allocate(4).putInt(Integer.MAX_VALUE).array());
            assertThat(client.closedByServer()).isTrue();
        }
        assertThat(frames).isEmpty();
    }

    @Test
    void anApiVersionsTooNewGetsTheV0FallbackAndMayAskAgain() throws Exception {
        try (SaslTestClient client = new SaslTestClient(port)) {
            ApiVersionsResponseData fallback = (ApiVersionsResponseData) client.request(ApiKeys.API_VERSIONS,
                    (short) 4, new ApiVersionsRequestData().setClientSoftwareName("t").setClientSoftwareVersion("1"),
                    (short) 0);
            assertThat(fallback.errorCode()).isEqualTo(Errors.UNSUPPORTED_VERSION.code());
            assertThat(fallback.apiKeys().find(ApiKeys.API_VERSIONS.id).maxVersion()).isEqualTo((short) 3);

            ApiVersionsResponseData versions = (ApiVersionsResponseData) client.request(ApiKeys.API_VERSIONS,
                    (short) 3, new ApiVersionsRequestData().setClientSoftwareName("t").setClientSoftwareVersion("1"));
            assertThat(versions.errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(client.handshake("PLAIN").errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(client.authenticate("\u0000alice\u0000alice-secret".getBytes(StandardCharsets.UTF_8))
                    .errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(whoAmI(client)).isEqualTo("SASL User:alice");
        }
    }

    @Test
    void aSecondApiVersionsClosesTheConnection() throws Exception {
        try (SaslTestClient client = new SaslTestClient(port)) {
            client.request(ApiKeys.API_VERSIONS, (short) 0, new ApiVersionsRequestData());
            client.send(ApiKeys.API_VERSIONS, (short) 0, new ApiVersionsRequestData());
            assertThat(client.closedByServer()).isTrue();
        }
    }

    @Test
    void handshakeV0IsFollowedByRawTokensAsInKafka() throws Exception {
        try (SaslTestClient client = new SaslTestClient(port)) {
            SaslHandshakeResponseData handshake = (SaslHandshakeResponseData) client.request(ApiKeys.SASL_HANDSHAKE,
                    (short) 0, new SaslHandshakeRequestData().setMechanism("PLAIN"));
            assertThat(handshake.errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(client.exchangeRaw("\u0000alice\u0000alice-secret".getBytes(StandardCharsets.UTF_8)))
                    .isEmpty();
            assertThat(whoAmI(client)).isEqualTo("SASL User:alice");
        }
        try (SaslTestClient client = new SaslTestClient(port)) {
            client.request(ApiKeys.SASL_HANDSHAKE, (short) 0, new SaslHandshakeRequestData().setMechanism("PLAIN"));
            client.write(ByteBuffer.allocate(4 + 12).putInt(12).put("\u0000alice\u0000nope".getBytes(
                    StandardCharsets.UTF_8)).array());
            assertThat(client.closedByServer()).as("a raw-token failure closes without an answer").isTrue();
        }
        assertThat(frames).containsExactly("frame from User:alice");
    }

    /** A one-byte frame: the handler answers with the listener and principal of the session. */
    private static String whoAmI(SaslTestClient client) throws IOException {
        client.write(new byte[] {0, 0, 0, 1, 9});
        return new String(client.readFrame(), StandardCharsets.UTF_8);
    }

    private static CallbackHandler credentials(String user, String password) {
        return (Callback[] callbacks) -> {
            for (Callback callback : callbacks) {
                if (callback instanceof NameCallback name) {
                    name.setName(user);
                } else if (callback instanceof PasswordCallback pw) {
                    pw.setPassword(password.toCharArray());
                }
                // others (kafka-clients' ScramExtensionsCallback): no extensions
            }
        };
    }

    private static ApiVersion api(ApiKeys key, int min, int max) {
        return new ApiVersion().setApiKey(key.id).setMinVersion((short) min).setMaxVersion((short) max);
    }
}
