package io.samsa.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.samsa.broker.SamsaBroker;
import io.samsa.clients.admin.SamsaAdmin;
import io.samsa.clients.admin.TopicDescription;
import io.samsa.clients.admin.TopicSpec;
import io.samsa.clients.producer.SamsaProducer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code samsa demo}: the quickstart. An embedded broker in a temporary directory, a topic with 3 partitions,
 * keyed records sent with Samsa's producer (each key's partition and offset shown: the key picks the
 * partition, the partition's log assigns the offset), the records read back, then a clean stop that removes
 * the directory.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Quickstart: embedded broker, topic, records sent and read back.",
                "Starts an embedded broker in a temporary directory, creates a topic with 3 partitions, sends keyed",
                "records, reads them back, prints them per partition, and cleans up."})
final class DemoCommand implements Callable<Integer> {
    static final String TOPIC = "orders";
    static final int PARTITIONS = 3;
    private static final String[][] ORDERS = {
            {"alice", "espresso"}, {"bob", "croissant"}, {"carol", "flat white"}, {"dave", "bagel"},
            {"alice", "muffin"}, {"erin", "green tea"}, {"bob", "latte"}, {"frank", "scone"},
            {"carol", "cookie"}, {"alice", "cortado"}, {"dave", "mocha"}, {"erin", "toast"}};

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        long startNanos = System.nanoTime();
        out.println("Samsa demo: an embedded broker, a topic with " + PARTITIONS
                + " partitions, keyed records in, the same records out.");
        out.println();
        SamsaBroker broker = SamsaBroker.startEmbedded();
        Path dataDir = broker.config().dataDir();
        try {
            out.printf("1. Broker   listening on %s, data in %s%n", broker.bootstrapServers(), dataDir);
            try (SamsaAdmin admin = new SamsaAdmin(broker.bootstrapServers(), Duration.ofSeconds(10))) {
                admin.createTopic(TopicSpec.of(TOPIC, PARTITIONS));
                out.printf("2. Topic    '%s' created with %d partitions%n", TOPIC, PARTITIONS);
                out.flush();

                List<RecordMetadata> sent = produce(broker.bootstrapServers());
                out.printf("3. Produce  %d records with SamsaProducer (acks=all); the key's hash picks the partition,%n"
                        + "            the partition's log gives the next offset:%n", ORDERS.length);
                Table table = new Table("KEY", "VALUE", "PARTITION", "OFFSET");
                for (int i = 0; i < ORDERS.length; i++) {
                    table.row(ORDERS[i][0], ORDERS[i][1], sent.get(i).partition(), sent.get(i).offset());
                }
                table.print(out, "     ");
                out.println("            Same key, same partition: each customer's orders stay in order.");

                readBack(out, broker.bootstrapServers(), admin.describeTopic(TOPIC));
            }
        } finally {
            broker.close();
        }
        out.printf("5. Stop     broker closed; %s %s.%n", dataDir, Files.exists(dataDir) ? "is still there" : "removed");
        out.printf("%nDone in %.1f s. Next: bin/samsa server, then bin/samsa topics create, produce, consume "
                + "(--help on each).%n", (System.nanoTime() - startNanos) / 1e9);
        out.flush();
        return 0;
    }

    /** The tutorial's producer: bootstrap servers and serializers in, send() per record, offsets back. */
    private static List<RecordMetadata> produce(String bootstrap) throws Exception {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("acks", "all");
        List<Future<RecordMetadata>> futures = new ArrayList<>();
        try (SamsaProducer<String, String> producer =
                     new SamsaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            for (String[] order : ORDERS) {
                futures.add(producer.send(new ProducerRecord<>(TOPIC, order[0], order[1])));
            }
            producer.flush();
        }
        List<RecordMetadata> out = new ArrayList<>();
        for (Future<RecordMetadata> f : futures) {
            out.add(f.get());
        }
        return out;
    }

    /** Step 4, on its own: read every partition from the beginning and print a short table per partition. */
    private static void readBack(PrintWriter out, String bootstrap, TopicDescription topic) {
        Map<Integer, List<ConsumerRecord<byte[], byte[]>>> byPartition = new TreeMap<>();
        List<TopicPartition> partitions = new ArrayList<>();
        long expected = 0;
        for (TopicDescription.Partition p : topic.partitions()) {
            partitions.add(new TopicPartition(TOPIC, p.partition()));
            byPartition.put(p.partition(), new ArrayList<>());
            expected += p.records();
        }
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("enable.auto.commit", "false");
        props.put("key.deserializer", ByteArrayDeserializer.class.getName());
        props.put("value.deserializer", ByteArrayDeserializer.class.getName());
        long read = 0;
        long deadline = System.currentTimeMillis() + 10_000;
        try (Consumer<byte[], byte[]> consumer = Consumers.create(props)) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (read < expected && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    byPartition.get(r.partition()).add(r);
                    read++;
                }
            }
        }
        out.printf("4. Consume  %d records read back from the beginning of each partition:%n", read);
        byPartition.forEach((p, records) -> {
            out.printf("     partition %d: %d record%s%n", p, records.size(), records.size() == 1 ? "" : "s");
            Table t = new Table("OFFSET", "KEY", "VALUE");
            records.forEach(r -> t.row(r.offset(), new String(r.key()), new String(r.value())));
            t.print(out, "       ");
        });
        if (read < expected) {
            throw new UserException("demo: read back only " + read + " of " + expected + " records");
        }
    }
}
