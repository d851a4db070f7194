package io.samsa.clients.producer.partition;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.ToIntFunction;

import org.apache.kafka.common.TopicPartition;

/**
 * Null-key records stick to one partition per topic until about {@code batch.size} bytes went there
 * (KIP-480/794), then move on. The next partition is the less loaded of two random picks (fewer queued
 * batches), so a slow broker's partitions get fewer records — KIP-794's aim, with a cheaper rule.
 */
public final class StickyPartitioner {
    private final int batchSize;
    private final ToIntFunction<TopicPartition> queueDepth;
    private final ConcurrentHashMap<String, Sticky> current = new ConcurrentHashMap<>();

    private static final class Sticky {
        final int partition;
        final int partitions;
        int bytes;

        Sticky(int partition, int partitions) {
            this.partition = partition;
            this.partitions = partitions;
        }
    }

    public StickyPartitioner(int batchSize, ToIntFunction<TopicPartition> queueDepth) {
        this.batchSize = batchSize;
        this.queueDepth = queueDepth;
    }

    /** The partition for the next null-key record of {@code recordBytes} bytes. */
    public int partition(String topic, int numPartitions, int recordBytes) {
        Sticky s = current.get(topic);
        if (s == null || s.partitions != numPartitions || s.bytes >= batchSize) {
            Sticky next = new Sticky(pick(topic, numPartitions, s == null ? -1 : s.partition), numPartitions);
            current.put(topic, next);
            s = next;
        }
        synchronized (s) {
            s.bytes += recordBytes;
        }
        return s.partition;
    }

    private int pick(String topic, int n, int previous) {
        if (n == 1) {
            return 0;
        }
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        int a = rnd.nextInt(n);
        int b = rnd.nextInt(n);
        if (a == previous) {
            a = (a + 1) % n;
        }
        if (b == previous) {
            b = (b + 1) % n;
        }
        return queueDepth.applyAsInt(new TopicPartition(topic, b)) < queueDepth.applyAsInt(new TopicPartition(topic, a))
                ? b : a;
    }
}
