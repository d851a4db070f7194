package io.samsa.network.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyStore;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.samsa.network.auth.SecurityProtocol;
import io.samsa.protocol.ResponseSend;
import io.samsa.testkit.TestCertificates;

/**
 * An SSL listener driven from outside by the JDK's own {@link SSLSocket}: requests and responses of every size,
 * pipelined frames that arrive in one TLS record, mutual TLS and the certificate's principal, a PEM keystore, and
 * connections that never finish their handshake closed by the setup timeout while others are served.
 */
class SslListenerTest {
    private static final TestCertificates CERTS = TestCertificates.shared();

    /** Echoes each frame back, size prefix and all. */
    private static final FrameHandler ECHO = (frame, session) -> CompletableFuture.completedFuture(
            ResponseSend.ofBuffers(ByteBuffer.allocate(4).putInt(0, frame.remaining()), frame));

    /** Answers each frame with the listener name and principal of its session. */
    private static final FrameHandler WHO = (frame, session) -> {
        byte[] who = (session.listenerName() + " " + session.principal()).getBytes(StandardCharsets.UTF_8);
        return CompletableFuture.completedFuture(ResponseSend.ofBuffers(
                ByteBuffer.allocate(4).putInt(0, who.length), ByteBuffer.wrap(who)));
    };

    private static final Endpoint SSL = new Endpoint("SSL", "127.0.0.1", 0, SecurityProtocol.SSL);

    static SocketServer server(FrameHandler handler, Map<String, String> sslConfigs, long setupTimeoutMs)
            throws IOException {
        NetworkConfig config = new NetworkConfig(List.of(SSL), 2, 16 << 20, 60_000, Integer.MAX_VALUE,
                Integer.MAX_VALUE, 64 << 20, setupTimeoutMs);
        SocketServer server = new SocketServer(config, handler, id -> { },
                e -> ChannelBuilder.forEndpoint(e, sslConfigs));
        server.start();
        return server;
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void smallAndLargeFramesRoundTrip(String protocol) throws Exception {
        try (SocketServer server = server(ECHO, CERTS.serverConfigs(), 10_000);
             SSLSocket s = connect(server.port(), false, protocol)) {
            assertThat(s.getSession().getProtocol()).isEqualTo(protocol);
            assertThat(echo(s, "hello".getBytes(StandardCharsets.UTF_8))).asString().isEqualTo("hello");
            byte[] large = new byte[3 * 1024 * 1024 + 17]; // many TLS records each way, more than a socket buffer
            new Random(1).nextBytes(large);
            assertThat(echo(s, large)).isEqualTo(large);
            assertThat(echo(s, new byte[] {7})).containsExactly(7);
        }
    }

    /**
     * Hundreds of small requests written at once arrive in a few TLS records: after the first, the rest are already
     * decrypted inside the transport and the socket is never readable for them again. Fails (times out) when the
     * processor waits for the selector instead of serving connections with buffered bytes.
     */
    @Test
    void pipelinedFramesBufferedInsideTheTransportAreAllAnswered() throws Exception {
        int n = 500;
        try (SocketServer server = server(ECHO, CERTS.serverConfigs(), 10_000);
             SSLSocket s = connect(server.port(), false, "TLSv1.3")) {
            ByteBuffer all = ByteBuffer.allocate(n * 8);
            for (int i = 0; i < n; i++) {
                all.putInt(4).putInt(i);
            }
            s.getOutputStream().write(all.array());
            s.getOutputStream().flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            for (int i = 0; i < n; i++) {
                assertThat(in.readInt()).isEqualTo(4);
                assertThat(in.readInt()).as("response %d", i).isEqualTo(i);
            }
        }
    }

    @Test
    void mutualTlsMapsTheCertificateToAPrincipal() throws Exception {
        Map<String, String> configs = CERTS.serverConfigs();
        configs.put("ssl.client.auth", "required");
        configs.put("ssl.principal.mapping.rules", "RULE:^CN=(.*?),OU=test$/$1/L,DEFAULT");
        try (SocketServer server = server(WHO, configs, 10_000);
             SSLSocket s = connect(server.port(), true, "TLSv1.3")) {
            assertThat(ask(s)).isEqualTo("SSL User:alice");
        }
        configs.put("ssl.principal.mapping.rules", "DEFAULT");
        try (SocketServer server = server(WHO, configs, 10_000);
             SSLSocket s = connect(server.port(), true, "TLSv1.2")) {
            assertThat(ask(s)).as("DEFAULT: the whole DN, RFC 2253").isEqualTo("SSL User:CN=alice,OU=test");
        }
    }

    @Test
    void withoutAClientCertificateThePrincipalIsAnonymousUnlessOneIsRequired() throws Exception {
        Map<String, String> configs = CERTS.serverConfigs();
        configs.put("ssl.client.auth", "requested");
        try (SocketServer server = server(WHO, configs, 10_000);
             SSLSocket s = connect(server.port(), false, "TLSv1.3")) {
            assertThat(ask(s)).isEqualTo("SSL User:ANONYMOUS");
        }
        configs.put("ssl.client.auth", "required");
        for (String protocol : List.of("TLSv1.3", "TLSv1.2")) {
            try (SocketServer server = server(WHO, configs, 10_000)) {
                // TLS 1.3 checks the client's certificate after the client's handshake is done: the refusal then
                // comes with the first read
                assertThatThrownBy(() -> {
                    try (SSLSocket s = connect(server.port(), false, protocol)) {
                        ask(s);
                    }
                }).as(protocol).isInstanceOf(IOException.class);
            }
        }
    }

    @Test
    void pemKeystoreInlineAndAsAFile() throws Exception {
        Map<String, String> inline = new HashMap<>();
        inline.put("ssl.keystore.type", "PEM");
        inline.put("ssl.keystore.certificate.chain", Files.readString(CERTS.serverChainPem));
        inline.put("ssl.keystore.key", Files.readString(CERTS.serverKeyPem));
        Map<String, String> file = new HashMap<>();
        file.put("ssl.keystore.type", "PEM");
        java.nio.file.Path both = Files.createTempFile("server", ".pem");
        Files.writeString(both, Files.readString(CERTS.serverKeyPem) + Files.readString(CERTS.serverChainPem));
        file.put("ssl.keystore.location", both.toString());
        for (Map<String, String> configs : List.of(inline, file)) {
            try (SocketServer server = server(WHO, configs, 10_000);
                 SSLSocket s = connect(server.port(), false, "TLSv1.3")) {
                assertThat(ask(s)).isEqualTo("SSL User:ANONYMOUS");
            }
        }
    }

    /**
     * A plaintext client that waits for an answer and one that sends half a ClientHello are closed by the setup
     * timeout (well before connections.max.idle.ms, a minute here), while a TLS client is served meanwhile.
     */
    @Test
    void connectionsStuckInTheHandshakeAreClosedAfterTheSetupTimeout() throws Exception {
        try (SocketServer server = server(ECHO, CERTS.serverConfigs(), 1000);
             Socket plaintext = new Socket("127.0.0.1", server.port());
             Socket half = new Socket("127.0.0.1", server.port())) {
            byte[] hello = clientHello();
            half.getOutputStream().write(Arrays.copyOf(hello, hello.length / 2));
            half.getOutputStream().flush();
            try (SSLSocket good = connect(server.port(), false, "TLSv1.3")) {
                assertThat(echo(good, new byte[] {1, 2, 3})).containsExactly(1, 2, 3);
            }
            assertClosedByServer(plaintext);
            assertClosedByServer(half);
            try (SSLSocket good = connect(server.port(), false, "TLSv1.3")) {
                assertThat(echo(good, new byte[] {4})).containsExactly(4);
            }
        }
    }

    @Test
    void plaintextRequestOnTheTlsListenerIsRefusedAtOnce() throws Exception {
        try (SocketServer server = server(ECHO, CERTS.serverConfigs(), -1);
             Socket plaintext = new Socket("127.0.0.1", server.port())) {
            plaintext.getOutputStream().write(new byte[] {0, 0, 0, 4, 0, 18, 0, 3}); // size + ApiVersions header
            assertClosedByServer(plaintext);
        }
    }

    @Test
    void badSettingsFailTheStartNamingTheKey() {
        assertThatThrownBy(() -> server(ECHO, Map.of(), 1000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Listener SSL").hasMessageContaining("ssl.keystore.location");
        Map<String, String> wrongPassword = CERTS.serverConfigs();
        wrongPassword.put("ssl.keystore.password", "nope");
        assertThatThrownBy(() -> server(ECHO, wrongPassword, 1000))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ssl.keystore.location");
        Map<String, String> badAuth = CERTS.serverConfigs();
        badAuth.put("ssl.client.auth", "always");
        assertThatThrownBy(() -> server(ECHO, badAuth, 1000))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ssl.client.auth");
        Map<String, String> badProtocol = CERTS.serverConfigs();
        badProtocol.put("ssl.enabled.protocols", "TLSv9");
        assertThatThrownBy(() -> server(ECHO, badProtocol, 1000))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ssl.enabled.protocols");
        Map<String, String> badRule = CERTS.serverConfigs();
        badRule.put("ssl.principal.mapping.rules", "RULE:x/y/Q");
        assertThatThrownBy(() -> server(ECHO, badRule, 1000))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ssl.principal.mapping.rules");
    }

    /** Reads until the server closes: EOF or a reset, within 10 s (the setup timeout here is 1 s). */
    private static void assertClosedByServer(Socket s) throws IOException {
        s.setSoTimeout(10_000);
        InputStream in = s.getInputStream();
        try {
            while (in.read() >= 0) {
                // a TLS alert, if any, precedes the close
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server did not close the connection", e);
        } catch (IOException reset) {
            // closed with a reset: closed all the same
        }
    }

    /** The first flight of a TLS client, as bytes. */
    private static byte[] clientHello() throws Exception {
        SSLEngine engine = clientContext(false).createSSLEngine("127.0.0.1", 1);
        engine.setUseClientMode(true);
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        SSLEngineResult r = engine.wrap(ByteBuffer.allocate(0), out);
        assertThat(r.bytesProduced()).isPositive();
        return Arrays.copyOf(out.array(), out.position());
    }

    static SSLSocket connect(int port, boolean withCertificate, String protocol) throws Exception {
        SSLSocket s = (SSLSocket) clientContext(withCertificate).getSocketFactory().createSocket("127.0.0.1", port);
        SSLParameters params = s.getSSLParameters();
        params.setProtocols(new String[] {protocol});
        params.setEndpointIdentificationAlgorithm("HTTPS"); // the server certificate names IP 127.0.0.1
        s.setSSLParameters(params);
        s.setSoTimeout(10_000);
        s.startHandshake();
        return s;
    }

    /** The JDK's own client context from the test stores: independent of the SslFactory under test. */
    static SSLContext clientContext(boolean withCertificate) throws Exception {
        char[] password = TestCertificates.PASSWORD.toCharArray();
        KeyStore trust = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(CERTS.truststore)) {
            trust.load(in, password);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (withCertificate) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(CERTS.clientKeystore)) {
                keys.load(in, password);
            }
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, password);
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return context;
    }

    private static byte[] echo(Socket s, byte[] payload) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(ByteBuffer.allocate(4).putInt(payload.length).array());
        out.write(payload);
        out.flush();
        DataInputStream in = new DataInputStream(s.getInputStream());
        byte[] answer = new byte[in.readInt()];
        in.readFully(answer);
        return answer;
    }

    private static String ask(Socket s) throws IOException {
        return new String(echo(s, new byte[] {9}), StandardCharsets.UTF_8);
    }
}
