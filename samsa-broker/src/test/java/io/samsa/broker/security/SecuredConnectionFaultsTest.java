package io.samsa.broker.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.broker.testing.Clients;
import io.samsa.protocol.WireCodec;

/**
 * The second "done when", against a broker process with {@code connections.setup.timeout.ms=2000}: a
 * plaintext client on a TLS listener, a half-finished TLS handshake, a stalled SASL exchange and a client that sends a
 * request before authenticating each end in a closed connection within a bound, while a SASL_SSL producer opened in
 * the middle of them all is served.
 */
class SecuredConnectionFaultsTest {
    /** Well above the 2 s setup timeout: a close that comes from the timeout arrives within it. */
    private static final int CLOSED_WITHIN_MS = 10_000;

    @TempDir
    static Path tmp;
    static SecuredBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = new SecuredBroker(Files.createDirectories(tmp.resolve("data")), Map.of());
        broker.addScramUser("alice", "alice-secret", ScramMechanism.SCRAM_SHA_512);
        try (Admin admin = Clients.admin(broker.plaintext())) {
            admin.createTopics(List.of(new NewTopic("served", 1, (short) 1))).all().get();
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    private static Socket connect(int port) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(CLOSED_WITHIN_MS);
        return s;
    }

    private static void write(Socket s, ByteBuffer frame) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(frame.array(), frame.arrayOffset() + frame.position(), frame.remaining());
        out.flush();
    }

    /** Reads until the server closes; fails if it has not within {@link #CLOSED_WITHIN_MS}. Returns the bytes read. */
    private static int awaitClosedByServer(Socket s, String what) throws IOException {
        InputStream in = s.getInputStream();
        byte[] buf = new byte[4096];
        int total = 0;
        try {
            for (int n; (n = in.read(buf)) >= 0; ) {
                total += n;
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError(what + ": the broker did not close the connection within " + CLOSED_WITHIN_MS
                    + " ms", e);
        } catch (IOException reset) {
            // a reset is a close too
        }
        return total;
    }

    /** The first bytes of a real TLS ClientHello: a handshake that starts and never finishes. */
    private static byte[] halfAClientHello() throws Exception {
        SSLEngine engine = SSLContext.getDefault().createSSLEngine("127.0.0.1", broker.sslPort);
        engine.setUseClientMode(true);
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        SSLEngineResult r = engine.wrap(ByteBuffer.allocate(0), out);
        assertThat(r.bytesProduced()).isGreaterThan(40);
        byte[] half = new byte[r.bytesProduced() / 2];
        out.flip().get(half);
        return half;
    }

    private static ByteBuffer frame(ApiKeys key, short version, org.apache.kafka.common.protocol.ApiMessage body) {
        return WireCodec.encodeRequest(key, version, "faulty", 1, body);
    }

    @Test
    void stuckOrPrematureClientsAreClosedWhileOthersAreServed() throws Exception {
        List<Socket> stuck = new ArrayList<>();
        try {
            // A plaintext Kafka client on the TLS listener: its ApiVersions is not a TLS record.
            Socket plaintextOnTls = connect(broker.sslPort);
            write(plaintextOnTls, frame(ApiKeys.API_VERSIONS, (short) 3, new ApiVersionsRequestData()
                    .setClientSoftwareName("x").setClientSoftwareVersion("1")));
            stuck.add(plaintextOnTls);
            // A silent client on the TLS listener, and one that sends half a ClientHello.
            stuck.add(connect(broker.sslPort));
            Socket halfHello = connect(broker.sslPort);
            halfHello.getOutputStream().write(halfAClientHello());
            stuck.add(halfHello);
            // A SASL exchange that stops after the handshake, and one that never starts.
            Socket stalledSasl = connect(broker.saslPlaintextPort);
            write(stalledSasl, frame(ApiKeys.SASL_HANDSHAKE, (short) 1,
                    new SaslHandshakeRequestData().setMechanism("SCRAM-SHA-512")));
            stuck.add(stalledSasl);
            stuck.add(connect(broker.saslPlaintextPort));
            Socket halfHelloOnSaslSsl = connect(broker.saslSslPort);
            halfHelloOnSaslSsl.getOutputStream().write(halfAClientHello());
            stuck.add(halfHelloOnSaslSsl);

            // Meanwhile a SASL_SSL client is served.
            Map<String, Object> client = broker.saslSslClient("SCRAM-SHA-512", "alice", "alice-secret");
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(client, new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>("served", "ok".getBytes(StandardCharsets.UTF_8)))
                        .get(30, TimeUnit.SECONDS);
            }

            long start = System.nanoTime();
            String[] names = {"plaintext client on the TLS listener", "silent client on the TLS listener",
                "half a ClientHello", "SASL exchange stalled after the handshake", "SASL client that never starts",
                "half a ClientHello on SASL_SSL"};
            for (int i = 0; i < stuck.size(); i++) {
                awaitClosedByServer(stuck.get(i), names[i]);
            }
            System.out.printf("six stuck connections closed %d ms after the producer finished%n",
                    (System.nanoTime() - start) / 1_000_000);
        } finally {
            for (Socket s : stuck) {
                s.close();
            }
        }
        assertThat(broker.process.isAlive()).isTrue();
    }

    @Test
    void aRequestBeforeAuthenticatingClosesTheConnectionUnanswered() throws Exception {
        try (Socket early = connect(broker.saslPlaintextPort)) {
            write(early, frame(ApiKeys.METADATA, (short) 12, new MetadataRequestData().setTopics(null)));
            assertThat(awaitClosedByServer(early, "Metadata before SaslHandshake")).as("bytes answered").isZero();
        }
        try (Socket early = connect(broker.saslSslPort)) {
            // On SASL_SSL the TLS handshake must come first: plaintext Kafka bytes are not a TLS record.
            write(early, frame(ApiKeys.METADATA, (short) 12, new MetadataRequestData().setTopics(null)));
            awaitClosedByServer(early, "plaintext Metadata on SASL_SSL");
        }
        // And the broker still serves an authenticated client.
        Map<String, Object> client = broker.saslSslClient("SCRAM-SHA-512", "alice", "alice-secret");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(client, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>("served", "after".getBytes(StandardCharsets.UTF_8)))
                    .get(30, TimeUnit.SECONDS);
        }
    }
}
