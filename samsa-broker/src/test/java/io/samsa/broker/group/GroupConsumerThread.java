package io.samsa.broker.group;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * A stock KafkaConsumer in a group, polling on its own thread. A record counts as consumed once the
 * commit that covers it succeeded (so a failed commit means redelivery, never a gap or a double count).
 */
final class GroupConsumerThread implements AutoCloseable {
    final String name;
    final List<ConsumerRecord<String, String>> consumed = new CopyOnWriteArrayList<>();
    final Set<TopicPartition> assignment = ConcurrentHashMap.newKeySet();
    final List<Throwable> errors = new CopyOnWriteArrayList<>();
    /** How many times partitions were taken away (a rebalance that moved something). */
    final AtomicInteger revocations = new AtomicInteger();
    private final KafkaConsumer<String, String> consumer;
    private final Thread thread;
    private volatile boolean running = true;

    GroupConsumerThread(Properties props, String topic) {
        this.name = props.getProperty("client.id");
        this.consumer = new KafkaConsumer<>(props);
        this.thread = new Thread(() -> run(topic), "consumer-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    private void run(String topic) {
        try {
            consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    if (!partitions.isEmpty() && running) {
                        revocations.incrementAndGet();
                    }
                    assignment.removeAll(partitions);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    assignment.addAll(partitions);
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    assignment.removeAll(partitions);
                }
            });
            while (running) {
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(100));
                if (records.isEmpty()) {
                    continue;
                }
                List<ConsumerRecord<String, String>> batch = new ArrayList<>();
                records.forEach(batch::add);
                try {
                    consumer.commitSync();
                    consumed.addAll(batch);
                } catch (RuntimeException e) {
                    // Rebalanced under us: the new owner gets these records again from the last commit.
                    if (e instanceof WakeupException) {
                        throw e;
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (Throwable t) {
            errors.add(t);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(15_000);
    }
}
