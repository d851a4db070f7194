package io.samsa.broker.testing;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * "Is the broker still healthy?" — the one check every hostile-input and fault test ends with, from outside:
 * <ol>
 *   <li>every network thread answers: 2 × {@code num.network.threads} fresh connections (round-robin puts
 *       at least one on each processor) each get an ApiVersions v0 answer within {@link #ANSWER_LIMIT};</li>
 *   <li>a stock KafkaProducer round trip works (acks=all, read back by a KafkaConsumer);</li>
 *   <li>with a metrics port, {@code samsa_broker_connections} comes back to the baseline the caller gives.</li>
 * </ol>
 * The time bounds are liveness bounds (a dead or spinning thread never answers), not speed assertions.
 */
public final class BrokerHealth {
    /** How long one fresh connection may wait for its ApiVersions answer. */
    public static final Duration ANSWER_LIMIT = Duration.ofSeconds(2);
    /** How long the open-connection gauge may take to drop back (closes are noticed on the next select). */
    private static final Duration CONNECTIONS_SETTLE_LIMIT = Duration.ofSeconds(15);
    private static final String TOPIC = "health-check";

    private final String host;
    private final int port;
    private final int networkThreads;
    private final int metricsPort;

    /**
     * @param metricsPort the broker's {@code metrics.port}, or -1 to skip the connection-count check
     */
    public BrokerHealth(String host, int port, int networkThreads, int metricsPort) {
        this.host = host;
        this.port = port;
        this.networkThreads = networkThreads;
        this.metricsPort = metricsPort;
    }

    /** Throws AssertionError naming {@code when} if any part of the check fails. */
    public void assertHealthy(String when) {
        assertHealthy(when, -1);
    }

    /**
     * @param baselineConnections the connection count to come back to (ignored when negative or when there is
     *     no metrics port); connections the caller still holds open must be counted in it
     */
    public void assertHealthy(String when, int baselineConnections) {
        try {
            everyNetworkThreadAnswers(when);
            producerRoundTrip(when);
            if (metricsPort > 0 && baselineConnections >= 0) {
                connectionsBackTo(baselineConnections, when);
            }
        } catch (AssertionError e) {
            throw e;
        } catch (Exception e) {
            throw new AssertionError("broker unhealthy after " + when + ": " + e, e);
        }
    }

    /** Each of 2 × network-thread fresh connections gets an ApiVersions answer within {@link #ANSWER_LIMIT}. */
    public void everyNetworkThreadAnswers(String when) throws Exception {
        int n = 2 * networkThreads;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<?>> answers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int correlationId = 1000 + i;
                answers.add(pool.submit(() -> {
                    apiVersions(correlationId);
                    return null;
                }));
            }
            for (int i = 0; i < n; i++) {
                try {
                    answers.get(i).get(ANSWER_LIMIT.toMillis() + 1000, TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    throw new AssertionError("after " + when + ": fresh connection " + i + " of " + n
                            + " got no ApiVersions answer within " + ANSWER_LIMIT + ": " + e.getCause(), e.getCause());
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private void apiVersions(int correlationId) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), (int) ANSWER_LIMIT.toMillis());
            s.setSoTimeout((int) ANSWER_LIMIT.toMillis());
            byte[] clientId = "health".getBytes(StandardCharsets.UTF_8);
            ByteBuffer frame = ByteBuffer.allocate(4 + 10 + clientId.length);
            frame.putInt(10 + clientId.length).putShort((short) 18).putShort((short) 0).putInt(correlationId)
                    .putShort((short) clientId.length).put(clientId);
            s.getOutputStream().write(frame.array());
            DataInputStream in = new DataInputStream(s.getInputStream());
            int size = in.readInt();
            byte[] body = new byte[size];
            in.readFully(body);
            ByteBuffer r = ByteBuffer.wrap(body);
            if (r.getInt() != correlationId || r.getShort() != 0) {
                throw new IOException("unexpected ApiVersions answer");
            }
        }
    }

    /** One acks=all record through a fresh KafkaProducer, read back at its offset by a fresh KafkaConsumer. */
    public void producerRoundTrip(String when) throws Exception {
        String bootstrap = host + ":" + port;
        try (Admin admin = Clients.admin(bootstrap)) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
        byte[] value = (when + " " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        RecordMetadata md;
        try (KafkaProducer<byte[], byte[]> p = Clients.producer(bootstrap,
                Map.of("acks", "all", "delivery.timeout.ms", 30_000, "request.timeout.ms", 10_000))) {
            md = p.send(new ProducerRecord<>(TOPIC, 0, null, value)).get(40, TimeUnit.SECONDS);
        }
        TopicPartition tp = new TopicPartition(TOPIC, 0);
        List<ConsumerRecord<byte[], byte[]>> read = Clients.read(bootstrap, tp, md.offset(), md.offset() + 1);
        if (read.size() != 1 || !java.util.Arrays.equals(read.get(0).value(), value)) {
            throw new AssertionError("after " + when + ": record written at offset " + md.offset()
                    + " did not read back");
        }
    }

    /** Waits until the broker's open-connection gauge is at most {@code baseline}. */
    public void connectionsBackTo(int baseline, String when) throws Exception {
        long deadline = System.nanoTime() + CONNECTIONS_SETTLE_LIMIT.toNanos();
        double current;
        do {
            current = connections();
            if (current <= baseline) {
                return;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("after " + when + ": samsa_broker_connections is " + current
                + ", expected it back at " + baseline);
    }

    /** The broker's {@code samsa_broker_connections} gauge, scraped from the metrics endpoint. */
    public double connections() throws Exception {
        return metric("samsa_broker_connections");
    }

    /** One unlabelled sample from the Prometheus endpoint. */
    public double metric(String name) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(ANSWER_LIMIT).build();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + host + ":" + metricsPort
                + "/metrics")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        for (String line : r.body().split("\n")) {
            if (line.startsWith(name + " ")) {
                return Double.parseDouble(line.substring(name.length() + 1).trim());
            }
        }
        throw new AssertionError("metric " + name + " not found in:\n" + r.body());
    }
}
