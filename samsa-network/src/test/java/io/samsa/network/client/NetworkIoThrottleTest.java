package io.samsa.network.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.samsa.protocol.RequestFrameHeader;
import io.samsa.protocol.WireCodec;

/**
 * Client-side throttling (KIP-219) seen from the wire: a raw socket server answers every Metadata request with
 * throttle_time_ms, and records when each request arrives. From Metadata v6 on (kafka-clients'
 * {@code shouldClientThrottle}), the client's next request must not reach it before the throttle ends; below v6
 * the broker throttled already and the client must not wait. A request held back still times out.
 */
class NetworkIoThrottleTest {
    private static final int NODE = 1;

    private FakeBroker broker;
    private NetworkIo io;

    @AfterEach
    void close() throws IOException {
        if (io != null) {
            io.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void nothingIsSentToAThrottlingBrokerUntilTheThrottleEnds() throws Exception {
        broker = new FakeBroker(1500);
        io = connect(30_000);
        call(Short.MAX_VALUE);
        long now = System.currentTimeMillis();
        assertThat(io.throttleDelayMs(NODE, now)).as("throttled after the response").isBetween(1L, 1500L);
        assertThat(io.leastLoadedReadyNode()).as("a throttled node is not offered for new requests").isNull();
        assertThat(io.isReady(NODE)).as("still connected").isTrue();

        call(Short.MAX_VALUE);
        List<Arrival> metadata = broker.metadataArrivals();
        assertThat(metadata).hasSize(2);
        assertThat(metadata.get(0).version()).isGreaterThanOrEqualTo((short) 6);
        long heldMs = (metadata.get(1).nanos() - broker.firstResponseNanos) / 1_000_000;
        assertThat(heldMs).as("the second request waited for the throttle").isGreaterThanOrEqualTo(1495);
        assertThat(io.throttleDelayMs(NODE, System.currentTimeMillis() + 1500)).isZero();
    }

    @Test
    void aResponseVersionTheBrokerThrottledItselfDoesNotHoldTheClientBack() throws Exception {
        broker = new FakeBroker(5000);
        io = connect(30_000);
        call((short) 5);
        assertThat(io.throttleDelayMs(NODE, System.currentTimeMillis())).isZero();
        call((short) 5);
        List<Arrival> metadata = broker.metadataArrivals();
        long heldMs = (metadata.get(1).nanos() - broker.firstResponseNanos) / 1_000_000;
        assertThat(heldMs).as("Metadata v5: the broker throttled before answering; the client sends at once")
                .isLessThan(4000);
    }

    @Test
    void aRequestHeldBackByTheThrottleStillTimesOut() throws Exception {
        broker = new FakeBroker(5000);
        io = connect(600);
        call(Short.MAX_VALUE);
        long started = System.currentTimeMillis();
        AtomicReference<Object> outcome = send(Short.MAX_VALUE);
        while (outcome.get() == null && System.currentTimeMillis() - started < 4000) {
            io.poll(20, System.currentTimeMillis());
        }
        assertThat(outcome.get()).as("request.timeout.ms counts while the request waits")
                .isInstanceOf(TimeoutException.class);
        assertThat(broker.metadataArrivals()).as("never written").hasSize(1);
    }

    private NetworkIo connect(long requestTimeoutMs) {
        NetworkIo n = new NetworkIo("throttle-test", requestTimeoutMs, 50, -1);
        n.address(NODE, "127.0.0.1", broker.port());
        long deadline = System.currentTimeMillis() + 10_000;
        while (!n.ensureConnected(NODE, System.currentTimeMillis())) {
            assertThat(System.currentTimeMillis()).as("connected in time").isLessThan(deadline);
            n.poll(20, System.currentTimeMillis());
        }
        return n;
    }

    /** A Metadata request at most at {@code maxVersion}, polled until its response. */
    private void call(short maxVersion) {
        AtomicReference<Object> outcome = send(maxVersion);
        long deadline = System.currentTimeMillis() + 10_000;
        while (outcome.get() == null) {
            assertThat(System.currentTimeMillis()).as("answered in time").isLessThan(deadline);
            io.poll(20, System.currentTimeMillis());
        }
        assertThat(outcome.get()).isInstanceOf(MetadataResponseData.class);
    }

    private AtomicReference<Object> send(short maxVersion) {
        AtomicReference<Object> outcome = new AtomicReference<>();
        io.send(NODE, ApiKeys.METADATA, maxVersion, new MetadataRequestData(), true, new ResponseHandler() {
            @Override
            public void onResponse(ApiMessage body) {
                outcome.set(body);
            }

            @Override
            public void onFailure(RuntimeException error) {
                outcome.set(error);
            }
        }, System.currentTimeMillis());
        return outcome;
    }

    record Arrival(ApiKeys key, short version, long nanos) {
    }

    /** One connection at a time, blocking I/O on its own thread: ApiVersions, then throttling Metadata answers. */
    private static final class FakeBroker implements AutoCloseable {
        private final ServerSocket server;
        private final int throttleMs;
        private final List<Arrival> arrivals = new CopyOnWriteArrayList<>();
        private final Thread thread;
        volatile long firstResponseNanos;

        FakeBroker(int throttleMs) throws IOException {
            this.throttleMs = throttleMs;
            this.server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
            this.thread = new Thread(this::serve, "fake-throttling-broker");
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return server.getLocalPort();
        }

        List<Arrival> metadataArrivals() {
            return arrivals.stream().filter(a -> a.key() == ApiKeys.METADATA).toList();
        }

        private void serve() {
            try (Socket s = server.accept()) {
                DataInputStream in = new DataInputStream(s.getInputStream());
                DataOutputStream out = new DataOutputStream(s.getOutputStream());
                while (true) {
                    byte[] frame = new byte[in.readInt()];
                    in.readFully(frame);
                    RequestFrameHeader h = WireCodec.parseHeader(ByteBuffer.wrap(frame));
                    arrivals.add(new Arrival(h.apiKey(), h.apiVersion(), System.nanoTime()));
                    ApiMessage body;
                    if (h.apiKey() == ApiKeys.API_VERSIONS) {
                        ApiVersionsResponseData v = new ApiVersionsResponseData();
                        v.apiKeys().add(new ApiVersionsResponseData.ApiVersion().setApiKey(ApiKeys.API_VERSIONS.id)
                                .setMinVersion((short) 0).setMaxVersion((short) 3));
                        v.apiKeys().add(new ApiVersionsResponseData.ApiVersion().setApiKey(ApiKeys.METADATA.id)
                                .setMinVersion((short) 0).setMaxVersion((short) 12));
                        body = v;
                    } else {
                        body = new MetadataResponseData().setThrottleTimeMs(throttleMs);
                    }
                    // before writing: the client cannot have the response, and start its throttle, any earlier
                    if (h.apiKey() == ApiKeys.METADATA && firstResponseNanos == 0) {
                        firstResponseNanos = System.nanoTime();
                    }
                    out.write(encode(h.apiKey(), h.apiVersion(), h.correlationId(), body));
                    out.flush();
                }
            } catch (IOException | RuntimeException e) {
                // the client went away, or the test closed the server
            }
        }

        private static byte[] encode(ApiKeys key, short version, int correlationId, ApiMessage body) {
            ResponseHeaderData header = new ResponseHeaderData().setCorrelationId(correlationId);
            short headerVersion = key.responseHeaderVersion(version);
            ObjectSerializationCache cache = new ObjectSerializationCache();
            int size = header.size(cache, headerVersion) + body.size(cache, version);
            ByteBufferAccessor out = new ByteBufferAccessor(ByteBuffer.allocate(4 + size));
            out.writeInt(size);
            header.write(out, cache, headerVersion);
            body.write(out, cache, version);
            return out.buffer().array();
        }

        @Override
        public void close() throws IOException {
            server.close();
            thread.interrupt();
        }
    }
}
