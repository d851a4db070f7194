package io.samsa.broker.network;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.broker.testing.BrokerHealth;
import io.samsa.broker.testing.BrokerProcess;
import io.samsa.broker.testing.Clients;

/**
 * Connections that hold broker resources while nobody uses them: a long-poll fetch whose client went away, a
 * client that never reads its responses, and the waiters of long-polls that did complete. Before the fix the first
 * two kept their socket (the first until its max wait, the second forever) and each completed long-poll left its
 * cancelled timeout in the timer queue until its original max wait.
 */
class ConnectionReapingTest {
    private static final int NETWORK_THREADS = 2;
    /** Longer than it takes to see a long-poll parked (a few jcmd runs), so idle reaping does not close it first. */
    private static final long IDLE_MS = 8000;
    private static final String TOPIC = "long-poll";
    private static final String WAITER_CLASS = "io.samsa.broker.purgatory.FetchPurgatory$Waiter";
    /** The timer entries of fetch waiters (the broker's only scheduled executor besides the log manager's that holds
     * any: the produce purgatory's never does on one node, where acks=all answers within the append). */
    private static final String TIMER_CLASS = "java.util.concurrent.ScheduledThreadPoolExecutor$ScheduledFutureTask";
    /** A liveness bound for the broker to notice a closed peer; "at once" in practice. */
    private static final long CLOSE_NOTICED_MS = 5000;
    private static final int COMPLETED_LONG_POLLS = Integer.getInteger("samsa.test.completedLongPolls", 300);

    @TempDir
    static Path dataDir;
    static BrokerProcess broker;
    static int metricsPort;
    static BrokerHealth health;

    @BeforeAll
    static void start() throws Exception {
        BrokerProbe.Started started = BrokerProbe.startBroker(dataDir, Map.of(
                "num.network.threads", Integer.toString(NETWORK_THREADS),
                "connections.max.idle.ms", Long.toString(IDLE_MS),
                "auto.create.topics.enable", "false"));
        broker = started.broker();
        metricsPort = started.metricsPort();
        health = broker.health(NETWORK_THREADS, metricsPort);
        try (Admin admin = Clients.admin(broker.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void clientClosingDuringLongPollFreesItsSocket() throws Exception {
        abandonLongPoll(false, false);
        health.assertHealthy("a client closed (FIN) during a long-poll fetch", 0);
    }

    @Test
    void clientResettingDuringLongPollFreesItsSocket() throws Exception {
        abandonLongPoll(true, false);
        health.assertHealthy("a client reset (RST) during a long-poll fetch", 0);
    }

    /**
     * Found by FrameFuzzTest: a client that had already sent its next request behind the long poll (as clients
     * that pipeline do) and then closed kept its socket until the wait ended, because the broker stopped watching
     * the socket once it had read the next request's size.
     */
    @Test
    void clientClosingDuringLongPollWithAPipelinedRequestFreesItsSocket() throws Exception {
        abandonLongPoll(false, true);
        health.assertHealthy("a client closed (FIN) during a long-poll fetch with a request pipelined behind it", 0);
    }

    /** The request read ahead during a long poll is answered after it, with no further bytes from the client. */
    @Test
    void requestPipelinedBehindALongPollIsAnsweredAfterIt() throws Exception {
        try (Socket s = new Socket("127.0.0.1", broker.port())) {
            s.setSoTimeout(30_000);
            FetchRequestData shortPoll = longPoll(0, Integer.MAX_VALUE).setMaxWaitMs(300);
            byte[] fetch = BrokerProbe.request(ApiKeys.FETCH, (short) 4, 1, shortPoll);
            byte[] next = BrokerProbe.apiVersionsV0(2);
            byte[] both = java.util.Arrays.copyOf(fetch, fetch.length + next.length);
            System.arraycopy(next, 0, both, fetch.length, next.length);
            s.getOutputStream().write(both);
            s.getOutputStream().flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            assertThat(BrokerProbe.readResponse(in)).as("the long poll's answer comes first").isEqualTo(1);
            assertThat(BrokerProbe.readResponse(in)).as("then the pipelined request's").isEqualTo(2);
        }
        health.assertHealthy("a request pipelined behind a long poll", 0);
    }

    @Test
    void clientThatNeverReadsIsClosedAfterIdleTimeout() throws Exception {
        // Large Metadata responses (1000 unknown topics with long names, echoed back) pipelined to a peer with a
        // tiny receive buffer: the broker's writes stall and the connection sits in SENDING.
        List<MetadataRequestData.MetadataRequestTopic> topics = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            topics.add(new MetadataRequestData.MetadataRequestTopic().setName(String.format("%0200d", i)));
        }
        MetadataRequestData metadata = new MetadataRequestData().setTopics(topics).setAllowAutoTopicCreation(false);
        Socket s = new Socket();
        s.setReceiveBufferSize(4096);
        s.connect(new java.net.InetSocketAddress("127.0.0.1", broker.port()));
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                OutputStream out = s.getOutputStream();
                for (int i = 0; i < 60; i++) {
                    out.write(BrokerProbe.request(ApiKeys.METADATA, (short) 4, i, metadata));
                }
            } catch (Exception closedByBroker) {
                // the broker closing the connection ends the writes
            }
        });
        try {
            // Liveness bound: idle timeout plus the broker's once-a-second idle scan, with slack.
            health.connectionsBackTo(0, "a client that never reads (connections.max.idle.ms=" + IDLE_MS + ")");
        } finally {
            s.close();
            writer.get(30, TimeUnit.SECONDS);
        }
        health.assertHealthy("a client that never reads", 0);
    }

    @Test
    void completedLongPollsDoNotStayInMemory() throws Exception {
        long before = BrokerProbe.liveInstances(broker.pid(), TIMER_CLASS);
        try (Socket s = new Socket("127.0.0.1", broker.port());
             KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrapServers(), Map.of("acks", "1"))) {
            s.setSoTimeout(30_000);
            DataInputStream in = new DataInputStream(s.getInputStream());
            long offset = producer.send(new ProducerRecord<>(TOPIC, 0, null, new byte[1])).get().offset() + 1;
            for (int i = 0; i < COMPLETED_LONG_POLLS; i++) {
                s.getOutputStream().write(BrokerProbe.request(ApiKeys.FETCH, (short) 4, i,
                        longPoll(offset, 1)));
                // The append may land before the fetch is parked; then the fetch answers at once.
                producer.send(new ProducerRecord<>(TOPIC, 0, null, new byte[1])).get();
                FetchResponseData r = (FetchResponseData) BrokerProbe.readResponse(in, ApiKeys.FETCH, (short) 4, i);
                assertThat(r.responses().get(0).partitions().get(0).errorCode()).isZero();
                offset++;
            }
        }
        long after = BrokerProbe.liveInstances(broker.pid(), TIMER_CLASS);
        long waiters = BrokerProbe.liveInstances(broker.pid(), WAITER_CLASS);
        System.out.printf("ConnectionReapingTest: live scheduled tasks after GC: %d before, %d after %d completed "
                + "long-polls; live fetch waiters %d%n", before, after, COMPLETED_LONG_POLLS, waiters);
        // Each completed long-poll used to leave its cancelled timeout in the timer queue until its max wait.
        assertThat(after - before).as("timer entries still in memory after " + COMPLETED_LONG_POLLS
                + " completed long-polls").isLessThan(COMPLETED_LONG_POLLS / 10);
        assertThat(waiters).as("fetch waiters still in memory").isLessThan(COMPLETED_LONG_POLLS / 10);
        health.assertHealthy("a loop of completed long-polls", 0);
    }

    /**
     * Parks a fetch that can never be satisfied (maxWait and minBytes INT_MAX), with or without a request sent
     * behind it, then drops the socket.
     */
    private static void abandonLongPoll(boolean reset, boolean pipelined) throws Exception {
        long waitersBefore = BrokerProbe.liveInstances(broker.pid(), WAITER_CLASS);
        Socket s = new Socket("127.0.0.1", broker.port());
        s.getOutputStream().write(BrokerProbe.request(ApiKeys.FETCH, (short) 4, 1, longPoll(0, Integer.MAX_VALUE)));
        if (pipelined) {
            s.getOutputStream().write(BrokerProbe.apiVersionsV0(2));
        }
        s.getOutputStream().flush();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (BrokerProbe.liveInstances(broker.pid(), WAITER_CLASS) <= waitersBefore) {
            assertThat(System.nanoTime()).as("the long-poll fetch was parked").isLessThan(deadline);
        }
        assertThat(health.connections()).as("the long-poll's connection is open before the client leaves").isEqualTo(1);
        if (reset) {
            s.setSoLinger(true, 0);
        }
        s.close();
        long closeDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_NOTICED_MS);
        while (health.connections() > 0) {
            assertThat(System.nanoTime()).as("the broker closed the socket of the abandoned long-poll within "
                    + CLOSE_NOTICED_MS + " ms").isLessThan(closeDeadline);
            Thread.sleep(50); // polling an external gauge: there is no event to wait on
        }
        assertThat(BrokerProbe.liveInstances(broker.pid(), WAITER_CLASS))
                .as("fetch waiters left after the client went away").isLessThanOrEqualTo(waitersBefore);
    }

    private static FetchRequestData longPoll(long offset, int minBytes) {
        return new FetchRequestData().setReplicaId(-1).setMaxWaitMs(Integer.MAX_VALUE).setMinBytes(minBytes)
                .setMaxBytes(1 << 20).setIsolationLevel((byte) 0)
                .setTopics(List.of(new FetchRequestData.FetchTopic().setTopic(TOPIC).setPartitions(List.of(
                        new FetchRequestData.FetchPartition().setPartition(0).setFetchOffset(offset)
                                .setPartitionMaxBytes(1 << 20)))));
    }
}
