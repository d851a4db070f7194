package io.samsa.broker.fuzz;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import io.samsa.broker.testing.Clients;

/**
 * After the fuzzing: every partition that holds records (whoever wrote them) reads from its log start to its
 * log end with a stock KafkaConsumer (CRC checks on) without an exception, so no batch that the consumer chokes
 * on (a poison pill) was stored. Used from the test thread.
 */
final class WrittenPartitionsCheck {
    /** A consumer that makes no progress for this long is stuck: a liveness bound. */
    private static final long NO_PROGRESS_LIMIT_MS = 30_000;

    private WrittenPartitionsCheck() {
    }

    /** Returns how many records were read, over how many partitions (for the report). */
    static String assertReadable(String bootstrap, String when) throws Exception {
        Map<TopicPartition, Long> starts = new HashMap<>();
        Map<TopicPartition, Long> ends = new HashMap<>();
        try (Admin admin = Clients.admin(bootstrap)) {
            Set<String> topics = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            Set<TopicPartition> partitions = new HashSet<>();
            admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).forEach((name, d) ->
                    d.partitions().forEach(p -> partitions.add(new TopicPartition(name, p.partition()))));
            starts.putAll(offsets(admin, partitions, OffsetSpec.earliest()));
            ends.putAll(offsets(admin, partitions, OffsetSpec.latest()));
        }
        List<TopicPartition> written = ends.keySet().stream().filter(tp -> ends.get(tp) > starts.get(tp)).toList();
        long records = 0;
        try (KafkaConsumer<byte[], byte[]> c = Clients.consumer(bootstrap)) {
            c.assign(written);
            c.seekToBeginning(written);
            long lastProgress = System.nanoTime();
            Set<TopicPartition> pending = new HashSet<>(written);
            while (!pending.isEmpty()) {
                ConsumerRecords<byte[], byte[]> polled;
                try {
                    polled = c.poll(Duration.ofMillis(500));
                } catch (RuntimeException e) {
                    throw new AssertionError("after " + when + ": a stock consumer reading " + written.size()
                            + " partitions from the beginning failed: " + e, e);
                }
                if (!polled.isEmpty()) {
                    records += polled.count();
                    lastProgress = System.nanoTime();
                }
                pending.removeIf(tp -> c.position(tp) >= ends.get(tp));
                if (System.nanoTime() - lastProgress > TimeUnit.MILLISECONDS.toNanos(NO_PROGRESS_LIMIT_MS)) {
                    Map<TopicPartition, String> stuck = new HashMap<>();
                    pending.forEach(tp -> stuck.put(tp, c.position(tp) + " of " + starts.get(tp) + ".." + ends.get(tp)));
                    throw new AssertionError("after " + when + ": a stock consumer is stuck at " + stuck);
                }
            }
        }
        return records + " records from " + written.size() + " partitions";
    }

    private static Map<TopicPartition, Long> offsets(Admin admin, Set<TopicPartition> partitions, OffsetSpec spec)
            throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(tp -> request.put(tp, spec));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> result =
                admin.listOffsets(request).all().get(30, TimeUnit.SECONDS);
        Map<TopicPartition, Long> out = new HashMap<>();
        result.forEach((tp, info) -> out.put(tp, info.offset()));
        return out;
    }
}
