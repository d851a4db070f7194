package io.samsa.clients.consumer;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.TreeSet;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A SamsaConsumer group member in its own JVM, for tests that kill a member without letting it leave.
 * Prints {@code ASSIGNED n} (then {@code OWNS [partitions]}) whenever its assignment changes and {@code VALUE v}
 * for each record, and commits after each poll, then prints {@code COMMITTED after p@offset ...} (what that commit
 * covers). Args: bootstrap topic group.
 */
public final class GroupMemberMain {
    public static void main(String[] args) {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", args[0]);
        p.setProperty("group.id", args[2]);
        p.setProperty("key.deserializer", StringDeserializer.class.getName());
        p.setProperty("value.deserializer", StringDeserializer.class.getName());
        p.setProperty("auto.offset.reset", "earliest");
        p.setProperty("enable.auto.commit", "false");
        p.setProperty("session.timeout.ms", "6000");
        p.setProperty("heartbeat.interval.ms", "300");
        p.setProperty("max.poll.records", "5");
        try (SamsaConsumer<String, String> consumer = new SamsaConsumer<>(p)) {
            consumer.subscribe(List.of(args[1]));
            int lastAssigned = -1;
            while (true) {
                StringBuilder consumed = new StringBuilder();
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                    System.out.println("VALUE " + r.value());
                    consumed.append(' ').append(r.partition()).append('@').append(r.offset());
                }
                consumer.commitSync();
                if (!consumed.isEmpty()) {
                    System.out.println("COMMITTED after" + consumed); // for a failure's message: what it took
                }
                if (consumer.assignment().size() != lastAssigned) {
                    lastAssigned = consumer.assignment().size();
                    System.out.println("ASSIGNED " + lastAssigned);
                    System.out.println("OWNS " + new TreeSet<>(consumer.assignment().stream()
                            .map(TopicPartition::partition).toList()));
                }
                System.out.flush();
            }
        }
    }
}
