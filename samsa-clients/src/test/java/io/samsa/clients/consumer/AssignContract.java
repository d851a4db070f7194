package io.samsa.clients.consumer;

import static io.samsa.clients.consumer.ConsumerTestSupport.newTopic;
import static io.samsa.clients.consumer.ConsumerTestSupport.pollUntil;
import static io.samsa.clients.consumer.ConsumerTestSupport.produce;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.NoOffsetForPartitionException;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.junit.jupiter.api.Test;

/** What SamsaConsumer must do with a manual assignment, against any Kafka-compatible broker. */
abstract class AssignContract {
    abstract String bootstrap();

    abstract void createTopic(String name, int partitions);

    Properties props() {
        return ConsumerTestSupport.props(bootstrap());
    }

    @Test
    void readsEveryRecordInOrderWithKeysValuesAndHeaders() {
        String topic = newTopic("assign");
        createTopic(topic, 2);
        produce(bootstrap(), topic, 2, 0, 2000);
        Properties p = props();
        p.setProperty("max.partition.fetch.bytes", "4096"); // many fetches: exercises the pipeline
        p.setProperty("client.rack", "rack-a");
        p.setProperty("isolation.level", "read_committed");
        try (SamsaConsumer<String, String> c = new SamsaConsumer<>(p)) {
            List<TopicPartition> tps = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
            c.assign(tps);
            c.seekToBeginning(tps);
            List<ConsumerRecord<String, String>> got = pollUntil(c, l -> l.size() >= 2000);
            assertThat(got).hasSize(2000);
            Map<Integer, Long> expectedNext = new HashMap<>(Map.of(0, 0L, 1, 0L));
            for (ConsumerRecord<String, String> r : got) {
                assertThat(r.offset()).isEqualTo(expectedNext.get(r.partition()));
                expectedNext.put(r.partition(), r.offset() + 1);
                int i = Integer.parseInt(r.value().substring(1));
                assertThat(i % 2).isEqualTo(r.partition());
                assertThat(r.offset()).isEqualTo(i / 2);
                assertThat(r.key()).isEqualTo("k" + i);
                assertThat(new String(r.headers().lastHeader("h").value(), StandardCharsets.UTF_8))
                        .isEqualTo(String.valueOf(i));
            }
            assertThat(c.position(tps.get(0))).isEqualTo(1000);
            assertThat(c.position(tps.get(1))).isEqualTo(1000);
            assertThat(c.currentLag(tps.get(0)).orElse(-1)).isZero();
        }
    }

    @Test
    void maxPollRecordsBoundsEveryPoll() {
        String topic = newTopic("maxpoll");
        createTopic(topic, 1);
        produce(bootstrap(), topic, 1, 0, 100);
        Properties p = props();
        p.setProperty("max.poll.records", "7");
        p.setProperty("auto.offset.reset", "earliest");
        try (SamsaConsumer<String, String> c = new SamsaConsumer<>(p)) {
            c.assign(List.of(new TopicPartition(topic, 0)));
            int total = 0;
            long deadline = System.currentTimeMillis() + 30_000;
            while (total < 100 && System.currentTimeMillis() < deadline) {
                ConsumerRecords<String, String> rs = c.poll(Duration.ofMillis(200));
                assertThat(rs.count()).isLessThanOrEqualTo(7);
                total += rs.count();
            }
            assertThat(total).isEqualTo(100);
        }
    }

    @Test
    void autoOffsetResetLatestEarliestAndNone() {
        String topic = newTopic("reset");
        createTopic(topic, 1);
        produce(bootstrap(), topic, 1, 0, 5);
        TopicPartition tp = new TopicPartition(topic, 0);
        Properties latest = props();
        latest.setProperty("auto.offset.reset", "latest");
        try (SamsaConsumer<String, String> c = new SamsaConsumer<>(latest)) {
            c.assign(List.of(tp));
            assertThat(c.position(tp)).isEqualTo(5);
            produce(bootstrap(), topic, 1, 5, 3);
            List<ConsumerRecord<String, String>> got = pollUntil(c, l -> l.size() >= 3);
            assertThat(got).extracting(ConsumerRecord::value).containsExactly("v5", "v6", "v7");
        }
        Properties earliest = props();
        earliest.setProperty("auto.offset.reset", "earliest");
        try (SamsaConsumer<String, String> c = new SamsaConsumer<>(earliest)) {
            c.assign(List.of(tp));
            assertThat(c.position(tp)).isZero();
        }
        Properties none = props();
        none.setProperty("auto.offset.reset", "none");
        try (SamsaConsumer<String, String> c = new SamsaConsumer<>(none)) {
            c.assign(List.of(tp));
            assertThatThrownBy(() -> c.poll(Duration.ofMillis(500))).isInstanceOf(NoOffsetForPartitionException.class);
            c.seek(tp, 6);
            List<ConsumerRecord<String, String>> got = pollUntil(c, l -> l.size() >= 2);
            assertThat(got).extracting(ConsumerRecord::value).containsExactly("v6", "v7");
        }
    }

    @Test
    void seekSeekToEndAndOffsetLookups() {
        String topic = newTopic("seek");
        createTopic(topic, 1);
        long before = System.currentTimeMillis();
        produce(bootstrap(), topic, 1, 0, 50);
        TopicPartition tp = new TopicPartition(topic, 0);
        try (SamsaConsumer<String, String> c = new SamsaConsumer<>(props())) {
            assertThat(c.partitionsFor(topic)).hasSize(1);
            assertThat(c.listTopics()).containsKey(topic);
            assertThat(c.beginningOffsets(List.of(tp))).containsEntry(tp, 0L);
            assertThat(c.endOffsets(List.of(tp))).containsEntry(tp, 50L);
            Map<TopicPartition, OffsetAndTimestamp> byTime = c.offsetsForTimes(Map.of(tp, before - 60_000));
            assertThat(byTime.get(tp).offset()).isZero();
            assertThat(c.offsetsForTimes(Map.of(tp, System.currentTimeMillis() + 3_600_000)).get(tp)).isNull();
            c.assign(List.of(tp));
            c.seek(tp, 42);
            List<ConsumerRecord<String, String>> got = pollUntil(c, l -> l.size() >= 8);
            assertThat(got.get(0).offset()).isEqualTo(42);
            assertThat(got).hasSize(8);
            c.seek(tp, 10);
            assertThat(pollUntil(c, l -> !l.isEmpty()).get(0).offset()).isEqualTo(10);
            c.seekToEnd(List.of(tp));
            assertThat(c.position(tp)).isEqualTo(50);
            c.seekToBeginning(List.of());
            assertThat(c.position(tp)).isZero();
        }
    }

    @Test
    void pausedPartitionsAreNotReturnedUntilResumed() {
        String topic = newTopic("pause");
        createTopic(topic, 2);
        produce(bootstrap(), topic, 2, 0, 40);
        TopicPartition p0 = new TopicPartition(topic, 0);
        TopicPartition p1 = new TopicPartition(topic, 1);
        Properties p = props();
        p.setProperty("auto.offset.reset", "earliest");
        try (SamsaConsumer<String, String> c = new SamsaConsumer<>(p)) {
            c.assign(List.of(p0, p1));
            c.pause(List.of(p0));
            assertThat(c.paused()).containsExactly(p0);
            List<ConsumerRecord<String, String>> got = pollUntil(c, l -> l.size() >= 20);
            List<ConsumerRecord<String, String>> more = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                c.poll(Duration.ofMillis(200)).forEach(more::add);
            }
            got.addAll(more);
            assertThat(got).hasSize(20).allMatch(r -> r.partition() == 1);
            c.resume(List.of(p0));
            assertThat(pollUntil(c, l -> l.size() >= 20)).hasSize(20).allMatch(r -> r.partition() == 0);
        }
    }

    @Test
    void wakeupInterruptsAWaitingPoll() throws Exception {
        String topic = newTopic("wakeup");
        createTopic(topic, 1);
        try (SamsaConsumer<String, String> c = new SamsaConsumer<>(props())) {
            c.assign(List.of(new TopicPartition(topic, 0)));
            CountDownLatch started = new CountDownLatch(1);
            Thread t = new Thread(() -> {
                try {
                    started.await();
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    return;
                }
                c.wakeup();
            });
            t.start();
            started.countDown();
            assertThatThrownBy(() -> c.poll(Duration.ofSeconds(60))).isInstanceOf(WakeupException.class);
            t.join();
            assertThat(c.poll(Duration.ofMillis(100)).count()).isZero(); // the wakeup is used up
        }
    }

    @Test
    void pollWithoutAssignmentIsAnError() {
        try (SamsaConsumer<String, String> c = new SamsaConsumer<>(props())) {
            assertThatThrownBy(() -> c.poll(Duration.ofMillis(10))).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> c.subscribe(List.of("x"))).hasMessageContaining("group.id");
        }
    }
}
