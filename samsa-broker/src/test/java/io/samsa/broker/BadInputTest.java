package io.samsa.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.samsa.broker.testing.Clients;

/**
 * Malformed and hostile input on raw sockets. Each bad frame must get either a response or a closed connection
 * (never a hang, never a dead network thread), while a well-behaved KafkaProducer and KafkaConsumer on their
 * own connections keep working, and the data written before and during the abuse is intact at the end.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BadInputTest {
    static final int MAX_REQUEST = 1024 * 1024;
    static final String TOPIC = "good";
    static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    /** How long a raw socket waits for a response or a close: a liveness bound, not a speed assertion. */
    static final int READ_LIMIT_MS = 30_000;

    static SamsaBroker broker;
    static KafkaProducer<byte[], byte[]> producer;
    static KafkaConsumer<byte[], byte[]> consumer;
    static final List<String> written = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        broker = SamsaBroker.startEmbedded(Map.of("socket.request.max.bytes", Integer.toString(MAX_REQUEST),
                "num.network.threads", "2"));
        try (Admin admin = Clients.admin(broker.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
        }
        producer = Clients.producer(broker.bootstrapServers(), Map.of());
        consumer = Clients.consumer(broker.bootstrapServers());
        consumer.assign(List.of(TP));
        consumer.seek(TP, 0);
        for (int i = 0; i < 500; i++) {
            String v = "before-" + i;
            producer.send(new ProducerRecord<>(TOPIC, 0, null, v.getBytes(StandardCharsets.UTF_8)));
            written.add(v);
        }
        producer.flush();
        assertHealthy("start");
    }

    @AfterAll
    static void stop() throws Exception {
        if (consumer != null) {
            consumer.close();
        }
        if (producer != null) {
            producer.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    // ---------------------------------------------------------------- cases

    @Test
    @Order(1)
    void negativeAndZeroLengthsCloseTheConnection() throws Exception {
        for (int size : new int[] {-1, -4, Integer.MIN_VALUE, 0}) {
            try (Socket s = connect()) {
                write(s, ByteBuffer.allocate(8).putInt(size).putInt(0x00120000).array());
                assertThat(observe(s)).as("frame size %d", size).isEqualTo(Outcome.CLOSED);
            }
        }
        assertHealthy("negative length");
    }

    @Test
    @Order(2)
    void lengthsOverTheLimitCloseTheConnection() throws Exception {
        for (int size : new int[] {MAX_REQUEST + 1, 64 * 1024 * 1024, Integer.MAX_VALUE}) {
            try (Socket s = connect()) {
                ByteBuffer b = ByteBuffer.allocate(4 + 1000).putInt(size);
                b.put(header(18, 0, 1, "big", false));
                write(s, b.array());
                assertThat(observe(s)).as("frame size %d over socket.request.max.bytes", size)
                        .isEqualTo(Outcome.CLOSED);
            }
        }
        assertHealthy("oversized");
    }

    @Test
    @Order(3)
    void unknownApiKeyIsAnsweredOrClosed() throws Exception {
        for (int key : new int[] {999, 32767, -1, -32768}) {
            try (Socket s = connect()) {
                write(s, frame(header(key, 0, 4242, "unknown", false)));
                assertAnsweredOrClosed(s, 4242, "api key " + key);
            }
        }
        assertHealthy("unknown api key");
    }

    @Test
    @Order(4)
    void unsupportedVersionsOfKnownApisAreAnsweredOrClosed() throws Exception {
        int[][] cases = {{0, 99}, {0, 1}, {0, 2}, {1, 99}, {1, 3}, {3, 99}, {2, 0}, {19, 99}, {60, -1}};
        for (int[] c : cases) {
            try (Socket s = connect()) {
                write(s, frame(header(c[0], c[1], 777, "old-or-new", false), new byte[32]));
                assertAnsweredOrClosed(s, 777, "api " + c[0] + " v" + c[1]);
            }
        }
        assertHealthy("unsupported versions");
    }

    @Test
    @Order(5)
    void apiVersionsAtATooNewVersionGetsV0ResponseWithUnsupportedVersionAndTheApiList() throws Exception {
        // The shape a newer client uses: flexible request header v2, ApiVersions v3+ body
        // (client_software_name, client_software_version as compact strings, empty tagged fields).
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        compactString(body, "samsa-test");
        compactString(body, "9.9");
        body.write(0);
        for (int version : new int[] {5, 99, 32767}) {
            try (Socket s = connect()) {
                write(s, frame(header(18, version, 31337 + version, "future-client", true), body.toByteArray()));
                byte[] response = readResponse(s);
                assertThat(response).as("ApiVersions v%d: no response", version).isNotNull();
                ByteBuffer r = ByteBuffer.wrap(response);
                assertThat(r.getInt()).as("correlation id (v0 response header)").isEqualTo(31337 + version);
                assertThat(r.getShort()).as("error code").isEqualTo((short) 35);
                int n = r.getInt();
                Map<Integer, int[]> apis = new HashMap<>();
                for (int i = 0; i < n; i++) {
                    apis.put((int) r.getShort(), new int[] {r.getShort(), r.getShort()});
                }
                assertThat(r.remaining()).as("bytes after the v0 body").isZero();
                assertThat(apis.get(18)).as("ApiVersions range").containsExactly(0, 4);
                assertThat(apis.get(0)).as("Produce range").containsExactly(0, 13);
                assertThat(apis.get(1)).as("Fetch range").containsExactly(4, 18);
                assertThat(apis.get(3)).as("Metadata range").containsExactly(0, 13);
                assertThat(apis.get(2)).as("ListOffsets range").containsExactly(1, 11);
                assertThat(apis).containsKeys(19, 20, 22, 32, 37, 60);
                // The connection stays usable: a supported ApiVersions v0 on it is answered without error.
                write(s, frame(header(18, 0, 5, "future-client", false)));
                ByteBuffer ok = ByteBuffer.wrap(readResponse(s));
                assertThat(ok.getInt()).isEqualTo(5);
                assertThat(ok.getShort()).as("error code of ApiVersions v0").isZero();
            }
        }
        assertHealthy("apiversions v99");
    }

    @Test
    @Order(6)
    void truncatedHeadersAreAnsweredOrClosed() throws Exception {
        byte[] full = header(3, 1, 99, "truncated-client", false);
        for (int len : new int[] {1, 2, 3, 4, 6, 7, 9, 10, 12}) {
            try (Socket s = connect()) {
                write(s, frame(java.util.Arrays.copyOf(full, len)));
                assertAnsweredOrClosed(s, 99, "header cut to " + len + " bytes");
            }
        }
        // A frame that promises more bytes than ever arrive: the broker waits, then sees EOF and closes.
        try (Socket s = connect()) {
            write(s, ByteBuffer.allocate(4 + 8).putInt(100).put(full, 0, 8).array());
            s.shutdownOutput();
            assertThat(observe(s)).isEqualTo(Outcome.CLOSED);
        }
        assertHealthy("truncated header");
    }

    @Test
    @Order(7)
    void headersFollowedByGarbageAreAnsweredOrClosed() throws Exception {
        Random random = new Random(7);
        // {apiKey, version, flexibleHeader}: supported versions, so the body parser gets the garbage.
        int[][] cases = {{3, 1, 0}, {3, 12, 1}, {2, 1, 0}, {2, 9, 1}, {18, 3, 1}, {32, 4, 1}, {60, 1, 1},
                {22, 4, 1}, {1, 4, 0}, {1, 17, 1}, {0, 3, 0}, {0, 11, 1}, {19, 7, 1}, {20, 6, 1}, {37, 3, 1}};
        for (int[] c : cases) {
            for (int size : new int[] {1, 7, 64, 1000}) {
                byte[] garbage = new byte[size];
                random.nextBytes(garbage);
                try (Socket s = connect()) {
                    write(s, frame(header(c[0], c[1], 4711, "garbage", c[2] == 1), garbage));
                    assertAnsweredOrClosed(s, 4711, "api " + c[0] + " v" + c[1] + " + " + size + " garbage bytes");
                }
            }
        }
        assertHealthy("garbage bodies");
    }

    @Test
    @Order(8)
    void hundredsOfRandomFrames() throws Exception {
        Random random = new Random(20240607);
        // Non-mutating APIs whose random bodies can never legitimately wait (no Fetch long-poll, no acks=0 Produce).
        int[][] apis = {{3, 0, 13}, {18, 0, 4}, {2, 1, 11}, {32, 1, 4}, {60, 0, 2}, {22, 0, 5}};
        for (int i = 0; i < 300; i++) {
            byte[] raw;
            int kind = i % 3;
            if (kind == 0) { // valid length, random payload
                byte[] p = new byte[random.nextInt(300)];
                random.nextBytes(p);
                raw = frame(p);
            } else if (kind == 1) { // valid header of a supported API and version, random body
                int[] api = apis[random.nextInt(apis.length)];
                int v = api[1] + random.nextInt(api[2] - api[1] + 1);
                byte[] p = new byte[random.nextInt(200)];
                random.nextBytes(p);
                raw = frame(header(api[0], v, random.nextInt(), "fuzz", random.nextBoolean()), p);
            } else { // random bytes, length prefix included
                raw = new byte[1 + random.nextInt(64)];
                random.nextBytes(raw);
            }
            try (Socket s = connect()) {
                write(s, raw);
                s.shutdownOutput(); // a frame that promises more bytes than it has is then ended by EOF
                observe(s); // answered or closed, both fine; a hang fails inside observe
            }
            if (i % 50 == 49) {
                assertHealthy("random frame " + i);
            }
        }
        assertHealthy("random frames");
    }

    @Test
    @Order(9)
    void requestsSplitIntoSingleBytesOrPipelinedAreAnsweredInOrder() throws Exception {
        try (Socket s = connect()) {
            for (byte b : frame(header(18, 0, 61, "slow", false))) {
                write(s, new byte[] {b});
            }
            byte[] r = readResponse(s);
            assertThat(r).as("ApiVersions sent one byte at a time").isNotNull();
            assertThat(ByteBuffer.wrap(r).getInt()).isEqualTo(61);
        }
        try (Socket s = connect()) {
            ByteArrayOutputStream many = new ByteArrayOutputStream();
            for (int i = 0; i < 20; i++) {
                // ApiVersions v0 and Metadata v1 with an empty topic list, alternately, in one write.
                many.writeBytes(i % 2 == 0 ? frame(header(18, 0, 1000 + i, "pipe", false))
                        : frame(header(3, 1, 1000 + i, "pipe", false), new byte[] {0, 0, 0, 0}));
            }
            write(s, many.toByteArray());
            for (int i = 0; i < 20; i++) {
                byte[] r = readResponse(s);
                assertThat(r).as("response %d of 20 pipelined requests", i).isNotNull();
                assertThat(ByteBuffer.wrap(r).getInt()).as("correlation id of response %d", i).isEqualTo(1000 + i);
            }
        }
        assertHealthy("split and pipelined");
    }

    @Test
    @Order(100)
    void dataWrittenBeforeAndDuringIsIntactAndNewConnectionsWork() throws Exception {
        try (Admin admin = Clients.admin(broker.bootstrapServers())) {
            assertThat(admin.listTopics().names().get()).contains(TOPIC);
        }
        List<ConsumerRecord<byte[], byte[]>> rs = Clients.read(broker.bootstrapServers(), TP, 0, written.size());
        assertThat(rs).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .containsExactlyElementsOf(written);
        long end = Clients.endOffsets(broker.bootstrapServers(), java.util.Set.of(TP)).get(TP);
        assertThat(end).isEqualTo(written.size());

        // Every raw connection the tests opened (hundreds) is closed by now; the broker must have let go of them
        // too. The few left are the clients' own (producer, consumer, their metadata connections).
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (broker.connectionCount() > 8 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(broker.connectionCount()).as("connections the broker still holds").isLessThanOrEqualTo(8);
    }

    // ---------------------------------------------------------------- health

    /** The long-lived producer and consumer still work: one more record is acknowledged and consumed. */
    static void assertHealthy(String after) throws Exception {
        String v = "during-" + after;
        long offset = producer.send(new ProducerRecord<>(TOPIC, 0, null, v.getBytes(StandardCharsets.UTF_8)))
                .get().offset();
        assertThat(offset).as("offset of the health record after %s", after).isEqualTo(written.size());
        written.add(v);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (consumer.position(TP) <= offset) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                assertThat(new String(r.value(), StandardCharsets.UTF_8)).as("consumed at %d", r.offset())
                        .isEqualTo(written.get((int) r.offset()));
            }
            if (System.nanoTime() > deadline) {
                fail("the consumer did not reach offset " + offset + " after " + after);
            }
        }
    }

    // ---------------------------------------------------------------- raw protocol

    enum Outcome { CLOSED, RESPONSE }

    static Socket connect() throws IOException {
        Socket s = new Socket("127.0.0.1", broker.port());
        s.setSoTimeout(READ_LIMIT_MS);
        s.setTcpNoDelay(true);
        return s;
    }

    static void write(Socket s, byte[] bytes) throws IOException {
        try {
            OutputStream out = s.getOutputStream();
            out.write(bytes);
            out.flush();
        } catch (SocketException e) {
            // The broker may close before we finish writing (e.g. on the size prefix alone); observe() sees it.
        }
    }

    /** CLOSED on EOF or reset, RESPONSE on a whole frame; fails if the broker does neither within the limit. */
    static Outcome observe(Socket s) throws IOException {
        try {
            return readResponse(s) == null ? Outcome.CLOSED : Outcome.RESPONSE;
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the broker neither answered nor closed the connection", e);
        }
    }

    static void assertAnsweredOrClosed(Socket s, int correlationId, String what) throws IOException {
        byte[] r;
        try {
            r = readResponse(s);
        } catch (SocketTimeoutException e) {
            throw new AssertionError(what + ": the broker neither answered nor closed the connection", e);
        }
        if (r != null) {
            assertThat(r.length).as("%s: response length", what).isGreaterThanOrEqualTo(4);
            assertThat(ByteBuffer.wrap(r).getInt()).as("%s: correlation id of the response", what)
                    .isEqualTo(correlationId);
        }
    }

    /** One response frame (without its size), or null if the connection closed (EOF or reset). */
    static byte[] readResponse(Socket s) throws IOException {
        DataInputStream in = new DataInputStream(s.getInputStream());
        try {
            int size = in.readInt();
            assertThat(size).as("response frame size").isBetween(4, 64 * 1024 * 1024);
            byte[] b = new byte[size];
            in.readFully(b);
            return b;
        } catch (EOFException e) {
            return null;
        } catch (SocketException e) {
            return null; // connection reset
        }
    }

    static byte[] header(int apiKey, int version, int correlationId, String clientId, boolean flexible) {
        byte[] id = clientId.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(10 + id.length + (flexible ? 1 : 0));
        b.putShort((short) apiKey).putShort((short) version).putInt(correlationId);
        b.putShort((short) id.length).put(id);
        if (flexible) {
            b.put((byte) 0); // no tagged fields
        }
        return b.array();
    }

    static byte[] frame(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        ByteBuffer b = ByteBuffer.allocate(4 + n).putInt(n);
        for (byte[] p : parts) {
            b.put(p);
        }
        return b.array();
    }

    static void compactString(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write(b.length + 1); // unsigned varint, short strings only
        out.writeBytes(b);
    }
}
