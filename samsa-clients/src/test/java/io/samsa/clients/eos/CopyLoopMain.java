package io.samsa.clients.eos;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.samsa.clients.consumer.SamsaConsumer;
import io.samsa.clients.producer.SamsaProducer;

/**
 * A consume-transform-produce loop in its own JVM, for tests that SIGKILL it mid-run: reads {@code input} in a
 * group with read_committed, and per poll, in one transaction, writes each record upper-cased to {@code output}
 * (same key, same partition number) and sends the consumed positions with {@code sendOffsetsToTransaction}.
 * Prints {@code RUNNING} once it has partitions and {@code COMMITTED n} after each transaction. Args: bootstrap
 * input output group transactional-id stock|samsa (the clients used: kafka-clients' or Samsa's own).
 */
public final class CopyLoopMain {
    public static void main(String[] args) {
        String bootstrap = args[0];
        String input = args[1];
        String output = args[2];
        boolean samsa = args[5].equals("samsa");
        Properties c = new Properties();
        c.setProperty("bootstrap.servers", bootstrap);
        c.setProperty("group.id", args[3]);
        c.setProperty("isolation.level", "read_committed");
        c.setProperty("enable.auto.commit", "false");
        c.setProperty("auto.offset.reset", "earliest");
        c.setProperty("session.timeout.ms", "6000");
        c.setProperty("heartbeat.interval.ms", "500");
        c.setProperty("max.poll.records", "50");
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", bootstrap);
        p.setProperty("transactional.id", args[4]);
        p.setProperty("transaction.timeout.ms", "10000");
        StringDeserializer sd = new StringDeserializer();
        StringSerializer ss = new StringSerializer();
        try (Consumer<String, String> consumer = samsa ? new SamsaConsumer<>(c, sd, sd) : new KafkaConsumer<>(c, sd, sd);
             Producer<String, String> producer = samsa ? new SamsaProducer<>(p, ss, ss) : new KafkaProducer<>(p, ss, ss)) {
            producer.initTransactions();
            consumer.subscribe(List.of(input));
            boolean running = false;
            while (true) {
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(100));
                if (!running && !consumer.assignment().isEmpty()) {
                    System.out.println("RUNNING");
                    running = true;
                }
                if (records.isEmpty()) {
                    continue;
                }
                producer.beginTransaction();
                Map<TopicPartition, OffsetAndMetadata> positions = new HashMap<>();
                for (ConsumerRecord<String, String> r : records) {
                    producer.send(new ProducerRecord<>(output, r.partition(), r.key(), r.value().toUpperCase()));
                    positions.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                }
                producer.sendOffsetsToTransaction(positions, consumer.groupMetadata());
                producer.commitTransaction();
                System.out.println("COMMITTED " + records.count());
            }
        }
    }
}
