package io.samsa.clients.consumer.fetch;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;

import io.samsa.clients.consumer.state.SubscriptionState;

/**
 * Fetched data waiting for {@code poll}. The I/O thread adds; the application thread drains, in arrival order,
 * skipping paused partitions (their data stays) and dropping data whose partition was sought or unassigned.
 */
public final class FetchBuffer {
    private final ConcurrentLinkedDeque<CompletedFetch> completed = new ConcurrentLinkedDeque<>();
    private final SubscriptionState subscriptions;
    private final Runnable wakeIo;

    public FetchBuffer(SubscriptionState subscriptions, Runnable wakeIo) {
        this.subscriptions = subscriptions;
        this.wakeIo = wakeIo;
    }

    void add(CompletedFetch f) {
        completed.add(f);
    }

    /** Whether {@link #drain} may find something (the application thread waits for this). */
    public boolean hasData() {
        for (CompletedFetch f : completed) {
            if (!subscriptions.isPaused(f.tp)) {
                return true;
            }
        }
        return false;
    }

    /** Up to {@code max} records, oldest fetch first; advances positions. */
    public <K, V> ConsumerRecords<K, V> drain(int max, Deserializer<K> keys, Deserializer<V> values) {
        Map<TopicPartition, List<ConsumerRecord<K, V>>> out = new LinkedHashMap<>();
        Map<TopicPartition, OffsetAndMetadata> next = new LinkedHashMap<>();
        int remaining = max;
        boolean freed = false;
        java.util.Set<TopicPartition> blocked = new java.util.HashSet<>(); // a partition's fetches go in order
        Iterator<CompletedFetch> it = completed.iterator();
        try {
            while (remaining > 0 && it.hasNext()) {
                CompletedFetch f = it.next();
                if (!subscriptions.isCurrent(f.tp, f.epoch)) {
                    it.remove();
                    continue;
                }
                if (subscriptions.isPaused(f.tp) || blocked.contains(f.tp)) {
                    continue;
                }
                if (f.error != null) {
                    it.remove();
                    subscriptions.bufferedDone(f.tp, f.epoch);
                    freed = true;
                    if (out.isEmpty()) {
                        throw f.error;
                    }
                    continue;
                }
                Long position = subscriptions.position(f.tp);
                if (position == null) {
                    it.remove();
                    continue;
                }
                List<ConsumerRecord<K, V>> list = out.computeIfAbsent(f.tp, k -> new ArrayList<>());
                try {
                    remaining -= f.drain(remaining, position, keys, values, list);
                } catch (RuntimeException e) {
                    // As KafkaConsumer: what this drain collected (positions already past it) goes out first; the
                    // fetch keeps the failing record and throws again on the next drain.
                    if (list.isEmpty()) {
                        out.remove(f.tp);
                    }
                    if (out.isEmpty()) {
                        throw e;
                    }
                    break;
                }
                if (f.nextOffset() > position) {
                    subscriptions.advance(f.tp, f.epoch, f.nextOffset(), f.leaderEpoch());
                    next.put(f.tp, new OffsetAndMetadata(f.nextOffset(), leaderEpoch(f), ""));
                }
                if (list.isEmpty()) {
                    out.remove(f.tp);
                }
                if (f.isDrained()) {
                    it.remove();
                    subscriptions.bufferedDone(f.tp, f.epoch);
                    freed = true;
                } else {
                    blocked.add(f.tp);
                }
            }
        } finally {
            if (freed) {
                wakeIo.run();
            }
        }
        return out.isEmpty() && next.isEmpty() ? ConsumerRecords.empty() : new ConsumerRecords<>(out, next);
    }

    private static java.util.Optional<Integer> leaderEpoch(CompletedFetch f) {
        return f.leaderEpoch() >= 0 ? java.util.Optional.of(f.leaderEpoch()) : java.util.Optional.empty();
    }

    /** Drops everything of partitions no longer assigned (after a rebalance) — their epochs already say so. */
    public void clear() {
        completed.clear();
    }
}
