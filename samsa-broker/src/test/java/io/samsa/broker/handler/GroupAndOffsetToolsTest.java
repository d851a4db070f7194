package io.samsa.broker.handler;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.samsa.broker.SamsaBroker;
import io.samsa.broker.testing.Clients;
import io.samsa.testkit.KafkaTool;

/**
 * Kafka's own {@code kafka-get-offsets} and {@code kafka-consumer-groups} (from the kafka-tools jar, in a child JVM)
 * against an embedded broker, as an operator runs them: offsets by time (latest, earliest, max timestamp, a
 * timestamp), a group's list, state, lag per partition, an offset reset and a delete. Each tool's output is
 * checked against what the stock clients wrote, so a wrong number on the wire shows.
 */
class GroupAndOffsetToolsTest {
    private static final String GET_OFFSETS = "org.apache.kafka.tools.GetOffsetShell";
    private static final String CONSUMER_GROUPS = "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand";

    private static SamsaBroker broker;
    private static Admin admin;

    @BeforeAll
    static void start() throws Exception {
        broker = SamsaBroker.startEmbedded(Map.of("auto.create.topics.enable", "false"));
        admin = Clients.admin(broker.bootstrapServers());
    }

    @AfterAll
    static void stop() throws Exception {
        admin.close();
        broker.close();
    }

    /** Two partitions: partition 0 holds 5 records at timestamps 1000..1004, partition 1 holds 3 at 2000..2002. */
    private static void filled(String topic) throws Exception {
        admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrapServers(), Map.of())) {
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>(topic, 0, 1000L + i, null, ("a" + i).getBytes())).get();
            }
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord<>(topic, 1, 2000L + i, null, ("b" + i).getBytes())).get();
            }
        }
    }

    private static String tool(String mainClass, String... args) throws Exception {
        String[] all = new String[args.length + 2];
        all[0] = "--bootstrap-server";
        all[1] = broker.bootstrapServers();
        System.arraycopy(args, 0, all, 2, args.length);
        KafkaTool.Output out = KafkaTool.run(mainClass, all);
        assertThat(out.exit()).as("%s %s:\n%s", mainClass, String.join(" ", args), out.text()).isZero();
        return out.text();
    }

    @Test
    void getOffsetsAnswersLatestEarliestMaxTimestampAndByTime() throws Exception {
        filled("offsets-tool");
        assertThat(tool(GET_OFFSETS, "--topic", "offsets-tool")).contains("offsets-tool:0:5", "offsets-tool:1:3");
        assertThat(tool(GET_OFFSETS, "--topic", "offsets-tool", "--time", "-2"))
                .contains("offsets-tool:0:0", "offsets-tool:1:0");
        // -3 is the offset of the record with the largest timestamp (KIP-734).
        assertThat(tool(GET_OFFSETS, "--topic", "offsets-tool", "--time", "-3"))
                .contains("offsets-tool:0:4", "offsets-tool:1:2");
        // By time: the first offset at or after 1003 on partition 0; partition 1's records are all later (offset 0).
        assertThat(tool(GET_OFFSETS, "--topic", "offsets-tool", "--time", "1003"))
                .contains("offsets-tool:0:3", "offsets-tool:1:0");
        assertThat(tool(GET_OFFSETS, "--topic-partitions", "offsets-tool:1"))
                .contains("offsets-tool:1:3").doesNotContain("offsets-tool:0:");
    }

    @Test
    void consumerGroupsListsDescribesResetsAndDeletesAGroup() throws Exception {
        filled("groups-tool");
        String group = "tool-group";
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(broker.bootstrapServers(),
                Map.of("group.id", group, "auto.offset.reset", "earliest"))) {
            consumer.subscribe(List.of("groups-tool"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30); // liveness bound only
            while (consumer.assignment().size() < 2 && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(100));
            }
            consumer.commitSync(Map.of(new TopicPartition("groups-tool", 0), new OffsetAndMetadata(2),
                    new TopicPartition("groups-tool", 1), new OffsetAndMetadata(3)));

            assertThat(tool(CONSUMER_GROUPS, "--list")).contains(group);
            String described = tool(CONSUMER_GROUPS, "--describe", "--group", group);
            assertThat(row(described, "groups-tool", 0)).containsExactly("2", "5", "3"); // current, log end, lag
            assertThat(row(described, "groups-tool", 1)).containsExactly("3", "3", "0");
            assertThat(tool(CONSUMER_GROUPS, "--describe", "--group", group, "--state")).contains("Stable");
            assertThat(tool(CONSUMER_GROUPS, "--describe", "--group", group, "--members")).contains("1");
        }
        // Left by its only member: empty, so its offsets may be reset and the group deleted.
        assertThat(tool(CONSUMER_GROUPS, "--describe", "--group", group, "--state")).contains("Empty");
        String reset = tool(CONSUMER_GROUPS, "--reset-offsets", "--group", group, "--topic", "groups-tool",
                "--to-earliest", "--execute");
        assertThat(reset).contains("groups-tool");
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        assertThat(committed.get(new TopicPartition("groups-tool", 0)).offset()).isZero();
        assertThat(committed.get(new TopicPartition("groups-tool", 1)).offset()).isZero();

        assertThat(tool(CONSUMER_GROUPS, "--delete", "--group", group)).contains("Deletion of requested consumer "
                + "groups ('" + group + "') was successful.");
        assertThat(tool(CONSUMER_GROUPS, "--list")).doesNotContain(group);
    }

    /** The CURRENT-OFFSET, LOG-END-OFFSET and LAG columns of one partition's row in {@code --describe} output. */
    private static List<String> row(String described, String topic, int partition) {
        Matcher m = Pattern.compile("(?m)^\\S+\\s+" + Pattern.quote(topic) + "\\s+" + partition
                + "\\s+(\\S+)\\s+(\\S+)\\s+(\\S+)").matcher(described);
        assertThat(m.find()).as("a row for %s-%d in:\n%s", topic, partition, described).isTrue();
        return List.of(m.group(1), m.group(2), m.group(3));
    }
}
