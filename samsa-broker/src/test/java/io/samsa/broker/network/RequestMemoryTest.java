package io.samsa.broker.network;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.samsa.broker.testing.Clients;

/**
 * Sockets that announce huge frames (100 MiB, the default socket.request.max.bytes) and never send them, against
 * a broker with a 256 MiB heap. Before the bounded request pool, each 4-byte header allocated its whole frame and
 * three of them killed every network thread with OutOfMemoryError. Now the broker must keep answering everyone
 * while the sockets are open, with all its network threads alive.
 */
class RequestMemoryTest {
    private static final int NETWORK_THREADS = 3;
    private static final int SOCKETS = Integer.getInteger("samsa.test.hugeHeaderSockets", 30);
    private static final byte[] HUNDRED_MIB_HEADER = {0x06, 0x40, 0x00, 0x00};

    @RegisterExtension
    static final BrokerPerClass started = new BrokerPerClass(Map.of(
                "num.network.threads", Integer.toString(NETWORK_THREADS)));

    @Test
    void hugeSizeHeadersAloneDoNotExhaustTheHeap() throws Exception {
        hold(new byte[0], "huge size headers alone");
    }

    @Test
    void hugeSizeHeadersWithSomeBodyBytesDoNotExhaustTheHeap() throws Exception {
        // 64 KiB of body each: past any small first buffer, so the full frame is asked for.
        hold(new byte[64 * 1024], "huge size headers followed by 64 KiB of body");
    }

    @Test
    void largeRequestsStillGoThrough() throws Exception {
        // ~900 KB records: each Produce frame grows past the unpooled first 16 KiB into a pool reservation.
        String topic = "large-requests";
        try (Admin admin = Clients.admin(started.process().bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        byte[] value = new byte[900_000];
        new Random(1).nextBytes(value);
        long offset;
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(started.process().bootstrapServers(),
                Map.of("acks", "all", "linger.ms", 0))) {
            for (int i = 0; i < 4; i++) {
                producer.send(new ProducerRecord<>(topic, 0, null, value));
            }
            offset = producer.send(new ProducerRecord<>(topic, 0, null, value)).get(60, TimeUnit.SECONDS).offset();
        }
        List<ConsumerRecord<byte[], byte[]>> read = Clients.read(started.process().bootstrapServers(),
                new TopicPartition(topic, 0), offset, offset + 1);
        assertThat(read).hasSize(1);
        assertThat(read.get(0).value()).isEqualTo(value);
        assertThat(started.process().health(NETWORK_THREADS, started.metricsPort()).metric("samsa_broker_queued_request_bytes"))
                .as("pool bytes still reserved once the requests are done").isZero();
    }

    private void hold(byte[] bodyStart, String what) throws Exception {
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < SOCKETS; i++) {
                Socket s = new Socket("127.0.0.1", started.process().port());
                OutputStream out = s.getOutputStream();
                out.write(HUNDRED_MIB_HEADER);
                out.write(bodyStart);
                out.flush();
                sockets.add(s);
            }
            String when = SOCKETS + " sockets holding " + what;
            started.process().health(NETWORK_THREADS, started.metricsPort()).assertHealthy(when, SOCKETS);
            assertNetworkThreadsAlive(when);
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
        started.process().health(NETWORK_THREADS, started.metricsPort()).assertHealthy("closing the " + what + " sockets", 0);
        assertNetworkThreadsAlive("closing the " + what + " sockets");
        assertThat(started.process().output()).doesNotContain("OutOfMemoryError");
    }

    /** The original threads, not replacements: each is there by name and none was restarted. */
    private static void assertNetworkThreadsAlive(String when) throws Exception {
        List<String> names = BrokerProbe.threadNames(started.process().pid());
        for (int i = 0; i < NETWORK_THREADS; i++) {
            assertThat(names).as("threads of the broker after " + when).contains("samsa-network-" + i);
        }
        assertThat(started.process().health(NETWORK_THREADS, started.metricsPort()).metric("samsa_broker_network_thread_restarts_total"))
                .as("network threads replaced after " + when).isZero();
    }
}
