package io.samsa.network.auth.sasl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.UnsupportedSaslMechanismException;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersionCollection;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.samsa.network.auth.Authenticator;
import io.samsa.network.auth.SaslMechanismClient;
import io.samsa.network.auth.SaslMechanismServer;
import io.samsa.network.auth.SecurityProtocol;
import io.samsa.network.auth.scram.ScramCredential;
import io.samsa.protocol.ScramMechanism;
import io.samsa.network.auth.scram.ScramServer;
import io.samsa.network.client.NetworkIo;
import io.samsa.network.client.ResponseHandler;
import io.samsa.network.server.ChannelBuilder;
import io.samsa.network.server.Endpoint;
import io.samsa.network.server.FrameHandler;
import io.samsa.network.server.NetworkConfig;
import io.samsa.network.server.SocketServer;
import io.samsa.network.transport.PlaintextTransport;
import io.samsa.network.transport.TransportLayer;
import io.samsa.protocol.DecodedRequest;
import io.samsa.protocol.RequestFrameHeader;
import io.samsa.protocol.WireCodec;

/**
 * Samsa's client side ({@link NetworkIo} with a {@link SaslClientAuthenticator}) against the SASL server side on
 * a real socket: the right password makes the connection ready and its requests arrive as the user; a wrong one
 * or a mechanism the listener lacks never makes it ready and leaves the broker's reason for the caller.
 */
class SaslClientAuthenticatorTest {
    private static final Map<ScramMechanism, ScramCredential> BOB = Map.of(
            ScramMechanism.SCRAM_SHA_256, ScramCredential.create(ScramMechanism.SCRAM_SHA_256, "bob-secret", 4096),
            ScramMechanism.SCRAM_SHA_512, ScramCredential.create(ScramMechanism.SCRAM_SHA_512, "bob-secret", 4096));
    private static final ApiVersionsResponder API_VERSIONS = new ApiVersionsResponder() {
        @Override
        public boolean supports(short version) {
            return version <= 3;
        }

        @Override
        public ApiVersionsResponseData respond(short version, ApiVersionsRequestData request) {
            ApiVersionCollection apis = new ApiVersionCollection();
            apis.add(new ApiVersion().setApiKey(ApiKeys.API_VERSIONS.id).setMinVersion((short) 0)
                    .setMaxVersion((short) 3));
            apis.add(new ApiVersion().setApiKey(ApiKeys.LIST_GROUPS.id).setMinVersion((short) 0)
                    .setMaxVersion((short) 4));
            return new ApiVersionsResponseData().setApiKeys(apis);
        }
    };

    private SocketServer server;

    @BeforeEach
    void start() throws IOException {
        SaslServerMechanisms mechanisms = new SaslServerMechanisms(List.of("SCRAM-SHA-256", "SCRAM-SHA-512", "PLAIN"),
                Map.<String, Supplier<? extends SaslMechanismServer>>of(
                        "PLAIN", () -> new PlainServer(Map.of("bob", "bob-secret")),
                        "SCRAM-SHA-256", () -> new ScramServer(ScramMechanism.SCRAM_SHA_256,
                                (u, m) -> u.equals("bob") ? BOB.get(m) : null),
                        "SCRAM-SHA-512", () -> new ScramServer(ScramMechanism.SCRAM_SHA_512,
                                (u, m) -> u.equals("bob") ? BOB.get(m) : null)));
        // After authentication: ApiVersions as the responder says, ListGroups naming the session's principal.
        FrameHandler broker = (frame, session) -> {
            RequestFrameHeader header = WireCodec.parseHeader(frame);
            DecodedRequest request = WireCodec.decodeBody(header, frame);
            ApiMessage body = header.apiKey() == ApiKeys.API_VERSIONS
                    ? API_VERSIONS.respond(header.apiVersion(), (ApiVersionsRequestData) request.body())
                    : new ListGroupsResponseData().setGroups(List.of(new ListGroupsResponseData.ListedGroup()
                            .setGroupId(session.principal().toString()).setProtocolType("")));
            return CompletableFuture.completedFuture(WireCodec.encodeResponse(request, body, header.apiVersion()));
        };
        Endpoint endpoint = new Endpoint("SASL", "127.0.0.1", 0, SecurityProtocol.SASL_PLAINTEXT);
        server = new SocketServer(new NetworkConfig(List.of(endpoint), 1, 1 << 20, 60_000, Integer.MAX_VALUE,
                Integer.MAX_VALUE, 1 << 20), broker, id -> { }, e -> new ChannelBuilder() {
                    @Override
                    public TransportLayer transport(SocketChannel socket) {
                        return new PlaintextTransport(socket);
                    }

                    @Override
                    public Authenticator authenticator(TransportLayer transport) {
                        return new SaslServerAuthenticator(transport, mechanisms, API_VERSIONS);
                    }
                });
        server.start();
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"})
    void theRightPasswordMakesTheConnectionReadyAsTheUser(String mechanism) throws Exception {
        SaslClientConfig sasl = SaslClientConfig.of(mechanism, "org.apache.kafka.common.security.scram.ScramLoginModule"
                + " required username=\"bob\" password=\"bob-secret\";");
        try (NetworkIo io = client(sasl)) {
            awaitReady(io);
            AtomicReference<ApiMessage> answer = new AtomicReference<>();
            io.send(0, ApiKeys.LIST_GROUPS, new ListGroupsRequestData(), true, handler(answer),
                    System.currentTimeMillis());
            long deadline = System.currentTimeMillis() + 10_000;
            while (answer.get() == null && System.currentTimeMillis() < deadline) {
                io.poll(50, System.currentTimeMillis());
            }
            assertThat(((ListGroupsResponseData) answer.get()).groups().get(0).groupId()).isEqualTo("User:bob");
        }
    }

    @Test
    void aWrongPasswordLeavesTheBrokersMessage() {
        SaslClientConfig sasl = SaslClientConfig.of("SCRAM-SHA-512",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"bob\" password=\"x\";");
        try (NetworkIo io = client(sasl)) {
            assertThat(awaitAuthenticationError(io)).isInstanceOf(SaslAuthenticationException.class)
                    .hasMessage("Authentication failed during authentication due to invalid credentials with SASL"
                            + " mechanism SCRAM-SHA-512");
            assertThat(io.isReady(0)).isFalse();
        }
    }

    @Test
    void aMechanismTheListenerLacksIsNamedWithTheEnabledOnes() {
        SaslClientConfig sasl = new SaslClientConfig("PLAIN", "bob", "bob-secret");
        try (NetworkIo io = new NetworkIo("sasl-client-test", 10_000, 100, 0).authenticateWith(
                t -> new SaslClientAuthenticator(t, "sasl-client-test", new SaslMechanismClient() {
                    @Override
                    public String mechanismName() {
                        return "OAUTHBEARER";
                    }

                    @Override
                    public byte[] initialResponse() {
                        return new byte[0];
                    }

                    @Override
                    public byte[] evaluate(byte[] challenge) {
                        return null;
                    }

                    @Override
                    public boolean isComplete() {
                        return false;
                    }
                }))) {
            io.address(0, "127.0.0.1", server.port());
            assertThat(awaitAuthenticationError(io)).isInstanceOf(UnsupportedSaslMechanismException.class)
                    .hasMessageContaining("'OAUTHBEARER' not enabled in the server")
                    .hasMessageContaining("SCRAM-SHA-256, SCRAM-SHA-512, PLAIN");
        }
        assertThat(sasl.toString()).doesNotContain("secret");
    }

    @Test
    void kafkasClientConfigNames() {
        assertThatThrownBy(() -> SaslClientConfig.of("GSSAPI", "x.Y required;"))
                .hasMessageContaining("not supported");
        assertThatThrownBy(() -> SaslClientConfig.of("PLAIN", "x.Y required username=\"a\";"))
                .hasMessageContaining("username and password");
        assertThat(SaslClientConfig.of("scram-sha-256", "x.Y required username=\"a\" password=\"b\";")
                .newMechanismClient().mechanismName()).isEqualTo("SCRAM-SHA-256");
    }

    private NetworkIo client(SaslClientConfig sasl) {
        NetworkIo io = new NetworkIo("sasl-client-test", 10_000, 100, 0).authenticateWith(
                t -> new SaslClientAuthenticator(t, "sasl-client-test", sasl.newMechanismClient()));
        io.address(0, "127.0.0.1", server.port());
        return io;
    }

    private static void awaitReady(NetworkIo io) {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!io.ensureConnected(0, System.currentTimeMillis()) && System.currentTimeMillis() < deadline) {
            io.poll(50, System.currentTimeMillis());
        }
        assertThat(io.isReady(0)).as("ready within 10 s").isTrue();
    }

    private static RuntimeException awaitAuthenticationError(NetworkIo io) {
        long deadline = System.currentTimeMillis() + 10_000;
        while (io.authenticationError(0) == null && System.currentTimeMillis() < deadline) {
            io.ensureConnected(0, System.currentTimeMillis());
            io.poll(50, System.currentTimeMillis());
        }
        return io.authenticationError(0);
    }

    private static ResponseHandler handler(AtomicReference<ApiMessage> answer) {
        return new ResponseHandler() {
            @Override
            public void onResponse(ApiMessage response) {
                answer.set(response);
            }

            @Override
            public void onFailure(RuntimeException error) {
                throw error;
            }
        };
    }
}
