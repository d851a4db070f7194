package io.samsa.broker.group;

import java.time.Duration;
import java.util.Collection;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * A group member in a child JVM, so that a test can kill it without it leaving the group. Reports on
 * stdout: "ASSIGNED p,p,..." after each assignment, and "RECORD partition offset value" for each record
 * once its commit succeeded. With a fourth argument it closes (leaving the group) after that many records.
 * Uses only consumer API that kafka-clients 3.x has too, so it also runs on the legacy client peer.
 */
public final class GroupMemberProcess {
    public static void main(String[] args) {
        String bootstrap = args[0];
        String group = args[1];
        String topic = args[2];
        long stopAfter = args.length > 3 ? Long.parseLong(args[3]) : Long.MAX_VALUE;
        long reported = 0;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                GroupTestSupport.consumerProps(bootstrap, group, "child"))) {
            consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    report(consumer);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    report(consumer);
                }
            });
            while (reported < stopAfter) {
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(100));
                if (records.isEmpty()) {
                    continue;
                }
                try {
                    consumer.commitSync();
                } catch (RuntimeException e) {
                    continue;
                }
                StringBuilder out = new StringBuilder();
                for (ConsumerRecord<String, String> r : records) {
                    out.append("RECORD ").append(r.partition()).append(' ').append(r.offset()).append(' ')
                            .append(r.value()).append('\n');
                }
                System.out.print(out);
                System.out.flush();
                reported += records.count();
            }
        }
    }

    private static void report(KafkaConsumer<String, String> consumer) {
        StringBuilder sb = new StringBuilder("ASSIGNED ");
        consumer.assignment().forEach(tp -> sb.append(tp.partition()).append(','));
        System.out.println(sb);
        System.out.flush();
    }
}
