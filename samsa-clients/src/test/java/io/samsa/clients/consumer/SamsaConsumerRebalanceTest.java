package io.samsa.clients.consumer;

import static io.samsa.clients.consumer.ConsumerTestSupport.newTopic;
import static io.samsa.clients.consumer.ConsumerTestSupport.produce;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.LongStream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.samsa.broker.SamsaBroker;

/**
 * A rebalance that takes a member's partition away and gives it back: what was fetched for the old assignment
 * (buffered, or a Fetch still in flight) must not be handed out under the new one, which starts from the committed
 * offset. Against an embedded Samsa broker.
 */
@Timeout(120)
class SamsaConsumerRebalanceTest {
    private static SamsaBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        broker = SamsaBroker.startEmbedded(Map.of("listeners", "PLAINTEXT://127.0.0.1:" + port));
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    private static String bootstrap() {
        return "127.0.0.1:" + broker.port();
    }

    /**
     * The member reads 0..4 of 20 and commits 5; a fetch at 20 (the log end) is then waiting on the broker. A
     * forced rebalance takes the partition away (its buffered 5..19 is dropped) and gives it back at the committed
     * 5. When records 20..29 arrive, the old fetch answers: the new assignment must ignore it and read 5..29 (in
     * the bug, both assignments had epoch 1, so the answer was taken as current, its 20.. handed out and 5..19
     * skipped, although 5 was committed).
     */
    @Test
    void aPartitionGivenBackResumesAtItsCommittedOffsetWhateverTheOldAssignmentFetched() throws Exception {
        String topic = newTopic("regain");
        String group = newTopic("g");
        broker.topics().create(topic, 1, Map.of());
        TopicPartition tp = new TopicPartition(topic, 0);
        produce(bootstrap(), topic, 1, 0, 20);
        // A committed offset to start from, so that the first assignment gets its position as the second does.
        try (SamsaConsumer<String, String> simple = new SamsaConsumer<>(props(group))) {
            simple.assign(List.of(tp));
            simple.commitSync(Map.of(tp, new OffsetAndMetadata(0)));
        }
        Properties p = props(group);
        p.setProperty("max.poll.records", "5");
        p.setProperty("fetch.max.wait.ms", "20000"); // the fetch at the log end stays on the broker until 20..29
        try (SamsaConsumer<String, String> c = new SamsaConsumer<>(p)) {
            c.subscribe(List.of(topic));
            List<ConsumerRecord<String, String>> first = new ArrayList<>();
            long deadline = System.currentTimeMillis() + 30_000;
            while (first.isEmpty() && System.currentTimeMillis() < deadline) {
                c.poll(Duration.ofMillis(100)).forEach(first::add);
            }
            assertThat(offsets(first)).containsExactly(0L, 1L, 2L, 3L, 4L);
            c.commitSync();
            assertThat(c.committed(Set.of(tp)).get(tp).offset()).isEqualTo(5);
            // The I/O thread sent the fetch at 20 as soon as 0..19 was buffered; give it a moment regardless.
            Thread.sleep(300);

            c.enforceRebalance();
            // With no time to wait, this poll only revokes and sends JoinGroup; its drain drops 5..19.
            assertThat(c.poll(Duration.ZERO)).isEmpty();
            assertThat(c.assignment()).isEmpty();

            List<ConsumerRecord<String, String>> after = new ArrayList<>();
            deadline = System.currentTimeMillis() + 30_000;
            while (!(c.assignment().contains(tp) && c.position(tp) == 5) && System.currentTimeMillis() < deadline) {
                c.poll(Duration.ofMillis(100)).forEach(after::add);
            }
            assertThat(c.assignment()).containsExactly(tp);
            produce(bootstrap(), topic, 1, 20, 10); // answers the old assignment's fetch
            deadline = System.currentTimeMillis() + 40_000;
            while (!offsets(after).contains(29L) && System.currentTimeMillis() < deadline) {
                c.poll(Duration.ofMillis(100)).forEach(after::add);
            }
            assertThat(offsets(after)).as("offsets read after the partition came back at committed offset 5")
                    .containsExactlyElementsOf(LongStream.range(5, 30).boxed().toList());
        }
    }

    private static Properties props(String group) {
        Properties p = ConsumerTestSupport.props(bootstrap());
        p.setProperty("group.id", group);
        p.setProperty("auto.offset.reset", "earliest");
        p.setProperty("enable.auto.commit", "false");
        return p;
    }

    private static List<Long> offsets(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(ConsumerRecord::offset).toList();
    }
}
