package io.samsa.network.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.network.auth.SecurityProtocol;
import io.samsa.network.server.ChannelBuilder;
import io.samsa.network.server.Endpoint;
import io.samsa.network.server.FrameHandler;
import io.samsa.network.server.NetworkConfig;
import io.samsa.network.server.SocketServer;
import io.samsa.network.tls.SslFactory;
import io.samsa.protocol.DecodedRequest;
import io.samsa.protocol.FileSliceRecords;
import io.samsa.protocol.ResponseSend;
import io.samsa.protocol.WireCodec;
import io.samsa.testkit.TestCertificates;

/**
 * Our client over TLS against an SSL listener: the handshake before ApiVersions, then a Fetch whose records come
 * from a file (the server's copying {@code transferFrom} path) and span many TLS records; the broker's hostname
 * checked against its certificate unless {@code ssl.endpoint.identification.algorithm} is empty.
 */
class NetworkIoTlsTest {
    private static final TestCertificates CERTS = TestCertificates.shared();

    @TempDir
    Path dir;

    @Test
    void fetchesRecordsFromAFileOverTls() throws Exception {
        byte[] records = new byte[5 * 1024 * 1024 + 3];
        new Random(2).nextBytes(records);
        Path file = dir.resolve("segment");
        Files.write(file, records);
        // the client trusts the CA as PEM text (ssl.truststore.certificates)
        Map<String, String> client = new HashMap<>();
        client.put("ssl.truststore.type", "PEM");
        client.put("ssl.truststore.certificates", Files.readString(CERTS.caPem));
        try (FileChannel segment = FileChannel.open(file, StandardOpenOption.READ);
             SocketServer server = server("127.0.0.1", fetchFrom(segment, records.length));
             NetworkIo io = new NetworkIo("tls-test", 10_000, 50, 0, SslFactory.forClient(client))) {
            io.address(1, "localhost", server.port());
            connect(io, 1);
            FetchResponseData response = (FetchResponseData) call(io, 1, ApiKeys.FETCH, new FetchRequestData());
            ByteBuffer got = WireCodec.recordsBuffer(response.responses().get(0).partitions().get(0).records());
            byte[] bytes = new byte[got.remaining()];
            got.duplicate().get(bytes);
            assertThat(bytes).isEqualTo(records);
        }
    }

    @Test
    void theBrokerMustBeNamedInItsCertificateUnlessIdentificationIsOff() throws Exception {
        try (SocketServer server = server("0.0.0.0", fetchFrom(null, 0))) {
            // 127.0.0.2 reaches the same socket, but the certificate names 127.0.0.1 and localhost only
            try (NetworkIo io = new NetworkIo("tls-test", 3_000, 50, 0, SslFactory.forClient(CERTS.clientConfigs()))) {
                AtomicReference<Object> told = new AtomicReference<>();
                io.onAuthenticationFailure((node, e) -> told.set(e));
                io.address(1, "127.0.0.2", server.port());
                io.ensureConnected(1, System.currentTimeMillis());
                long deadline = System.currentTimeMillis() + 10_000;
                while (io.isConnecting(1) && System.currentTimeMillis() < deadline) {
                    io.poll(50, System.currentTimeMillis());
                }
                assertThat(io.isConnecting(1)).as("the handshake ended").isFalse();
                assertThat(io.isReady(1)).as("the handshake must fail on the hostname").isFalse();
                // as in Kafka: an authentication failure for the client to report, not a broker to retry
                assertThat(io.authenticationError(1)).isInstanceOf(SslAuthenticationException.class)
                        .hasMessage("SSL handshake failed").isSameAs(told.get());
            }
            Map<String, String> noCheck = CERTS.clientConfigs();
            noCheck.put("ssl.endpoint.identification.algorithm", "");
            try (NetworkIo io = new NetworkIo("tls-test", 10_000, 50, 0, SslFactory.forClient(noCheck))) {
                io.address(1, "127.0.0.2", server.port());
                connect(io, 1);
            }
        }
    }

    private static SocketServer server(String host, FrameHandler handler) throws Exception {
        Endpoint ssl = new Endpoint("SSL", host, 0, SecurityProtocol.SSL);
        SocketServer server = new SocketServer(new NetworkConfig(List.of(ssl), 1, 1 << 20, 60_000,
                Integer.MAX_VALUE, Integer.MAX_VALUE, 16 << 20), handler, id -> { },
                e -> ChannelBuilder.forEndpoint(e, CERTS.serverConfigs()));
        server.start();
        return server;
    }

    /** ApiVersions (ApiVersions and Fetch v12), and Fetch answered with {@code size} bytes of {@code segment}. */
    private static FrameHandler fetchFrom(FileChannel segment, int size) {
        return (frame, session) -> {
            DecodedRequest request = WireCodec.decodeBody(WireCodec.parseHeader(frame), frame);
            ApiMessage body;
            if (request.apiKey() == ApiKeys.API_VERSIONS) {
                ApiVersionsResponseData.ApiVersionCollection keys = new ApiVersionsResponseData.ApiVersionCollection();
                keys.add(new ApiVersionsResponseData.ApiVersion().setApiKey(ApiKeys.API_VERSIONS.id)
                        .setMinVersion((short) 0).setMaxVersion((short) 3));
                keys.add(new ApiVersionsResponseData.ApiVersion().setApiKey(ApiKeys.FETCH.id)
                        .setMinVersion((short) 4).setMaxVersion((short) 12));
                body = new ApiVersionsResponseData().setApiKeys(keys);
            } else {
                body = new FetchResponseData().setResponses(List.of(new FetchResponseData.FetchableTopicResponse()
                        .setTopic("t").setPartitions(List.of(new FetchResponseData.PartitionData()
                                .setPartitionIndex(0).setHighWatermark(1)
                                .setRecords(new FileSliceRecords(segment, 0, size))))));
            }
            return CompletableFuture.completedFuture(
                    WireCodec.encodeResponse(request, body, request.apiVersion()));
        };
    }

    private static void connect(NetworkIo io, int node) {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!io.ensureConnected(node, System.currentTimeMillis())) {
            assertThat(System.currentTimeMillis()).as("connected and negotiated").isLessThan(deadline);
            io.poll(50, System.currentTimeMillis());
        }
    }

    private static ApiMessage call(NetworkIo io, int node, ApiKeys key, ApiMessage request) {
        AtomicReference<Object> outcome = new AtomicReference<>();
        io.send(node, key, request, true, new ResponseHandler() {
            @Override
            public void onResponse(ApiMessage body) {
                outcome.set(body);
            }

            @Override
            public void onFailure(RuntimeException error) {
                outcome.set(error);
            }
        }, System.currentTimeMillis());
        long deadline = System.currentTimeMillis() + 10_000;
        while (outcome.get() == null && System.currentTimeMillis() < deadline) {
            io.poll(50, System.currentTimeMillis());
        }
        assertThat(outcome.get()).isInstanceOf(ApiMessage.class);
        return (ApiMessage) outcome.get();
    }
}
