package io.samsa.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.samsa.broker.SamsaBroker;

/** {@code samsa groups}, in this JVM, against an embedded broker whose groups rebalance at once. */
class GroupsCommandTest {
    private static SamsaBroker broker;
    private static String b;

    @BeforeAll
    static void start() throws Exception {
        broker = SamsaBroker.startEmbedded(Map.of("group.initial.rebalance.delay.ms", "0"));
        b = broker.bootstrapServers();
    }

    @AfterAll
    static void stop() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void listDescribeResetAndDeleteAGroup() throws Exception {
        assertThat(InProcess.run("topics", "create", "events", "-p", "2", "-b", b).exitCode()).isZero();
        produce("events", 0, lines("a", 6));
        produce("events", 1, lines("b", 4));

        InProcess.Result consumed = InProcess.run("consume", "events", "--group", "g", "--from-beginning",
                "--max-messages", "10", "-b", b);
        assertThat(consumed.exitCode()).as(consumed.toString()).isZero();
        produce("events", 0, lines("c", 3)); // lag 3 on partition 0

        InProcess.Result list = InProcess.run("groups", "list", "-b", b);
        assertThat(list.exitCode()).as(list.toString()).isZero();
        assertThat(list.stdout()).containsPattern("(?m)^GROUP\\s+STATE\\s+PROTOCOL-TYPE$")
                .containsPattern("(?m)^g\\s+Empty\\s+consumer$");

        InProcess.Result describe = InProcess.run("groups", "describe", "g", "-b", b);
        assertThat(describe.exitCode()).as(describe.toString()).isZero();
        assertThat(describe.stdout()).contains("Group: g\tState: Empty\tProtocol: consumer\tMembers: 0")
                .containsPattern("(?m)^TOPIC\\s+PARTITION\\s+CURRENT-OFFSET\\s+LOG-END-OFFSET\\s+LAG\\s+CONSUMER-ID"
                        + "\\s+HOST\\s+CLIENT-ID$")
                .containsPattern("(?m)^events\\s+0\\s+6\\s+9\\s+3\\s+-\\s+-\\s+-$")
                .containsPattern("(?m)^events\\s+1\\s+4\\s+4\\s+0\\s+-\\s+-\\s+-$")
                .contains("Group 'g' has no active members.");

        InProcess.Result dryRun = InProcess.run("groups", "reset-offsets", "g", "--topic", "events", "--to-earliest",
                "-b", b);
        assertThat(dryRun.exitCode()).as(dryRun.toString()).isZero();
        assertThat(dryRun.stdout()).containsPattern("(?m)^g\\s+events\\s+0\\s+6\\s+0$")
                .containsPattern("(?m)^g\\s+events\\s+1\\s+4\\s+0$");
        assertThat(dryRun.stderr()).isEqualTo("Dry run: no offsets changed. Add --execute to apply.\n");
        assertThat(InProcess.run("groups", "describe", "g", "-b", b).stdout())
                .containsPattern("(?m)^events\\s+0\\s+6\\s+9\\s+3\\s");

        InProcess.Result reset = InProcess.run("groups", "reset-offsets", "g", "--topic", "events", "--to-earliest",
                "--execute", "-b", b);
        assertThat(reset.exitCode()).as(reset.toString()).isZero();
        assertThat(reset.stderr()).isEqualTo("Reset the offsets of group g in 2 partitions.\n");
        assertThat(InProcess.run("groups", "describe", "g", "-b", b).stdout())
                .containsPattern("(?m)^events\\s+0\\s+0\\s+9\\s+9\\s").containsPattern("(?m)^events\\s+1\\s+0\\s+4\\s+4\\s");

        InProcess.Result again = InProcess.run("consume", "events", "--group", "g", "--max-messages", "13", "-b", b);
        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(again.stdout().lines().sorted().toList())
                .isEqualTo(IntStream.range(0, 13).mapToObj(i -> i < 6 ? "a" + i : i < 9 ? "c" + (i - 6) : "b" + (i - 9))
                        .sorted().toList());

        try (Consumer<byte[], byte[]> active = member("g", "tester")) {
            InProcess.Result busy = InProcess.run("groups", "describe", "g", "-b", b);
            assertThat(busy.stdout()).contains("State: Stable\tProtocol: consumer/")
                    .containsPattern("(?m)^events\\s+0\\s+9\\s+9\\s+0\\s+\\S+\\s+/127.0.0.1\\s+tester$")
                    .containsPattern("(?m)^CONSUMER-ID\\s+HOST\\s+CLIENT-ID\\s+#PARTITIONS\\s+ASSIGNMENT$")
                    .containsPattern("(?m)^\\S+\\s+/127.0.0.1\\s+tester\\s+2\\s+events:0,1$");

            InProcess.Result refused = InProcess.run("groups", "reset-offsets", "g", "--topic", "events",
                    "--to-earliest", "--execute", "-b", b);
            assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(1);
            assertThat(refused.stderr()).isEqualTo("samsa: Assignments can only be reset if the group 'g' is "
                    + "inactive, but the current state is Stable.\n");
            InProcess.Result notDeleted = InProcess.run("groups", "delete", "g", "-b", b);
            assertThat(notDeleted.exitCode()).isEqualTo(1);
            assertThat(notDeleted.stderr()).startsWith("samsa: Group 'g' has active members").hasLineCount(1);
        }

        InProcess.Result delete = InProcess.run("groups", "delete", "g", "-b", b);
        assertThat(delete.exitCode()).as(delete.toString()).isZero();
        assertThat(delete.stdout()).isEqualTo("Deleted group g.\n");
        assertThat(InProcess.run("groups", "list", "-b", b).stdout()).doesNotContainPattern("(?m)^g\\s");
        for (String command : List.of("describe", "delete")) {
            InProcess.Result gone = InProcess.run("groups", command, "g", "-b", b);
            assertThat(gone.exitCode()).as(gone.toString()).isEqualTo(1);
            assertThat(gone.stderr()).isEqualTo("samsa: Group 'g' does not exist\n");
        }
    }

    @Test
    void resetTargetsAreClampedAndScoped() throws Exception {
        assertThat(InProcess.run("topics", "create", "clicks", "-p", "2", "-b", b).exitCode()).isZero();
        produce("clicks", 0, lines("x", 5));
        produce("clicks", 1, lines("y", 5));
        assertThat(run("groups", "reset-offsets", "r", "--topic", "clicks", "--to-offset", "3", "--execute").stdout())
                .containsPattern("(?m)^r\\s+clicks\\s+0\\s+-\\s+3$"); // a group that did not exist yet

        assertThat(run("groups", "reset-offsets", "r", "--topic", "clicks:1", "--shift-by", "-5", "--execute").stdout())
                .containsPattern("(?m)^r\\s+clicks\\s+1\\s+3\\s+0$").doesNotContain("clicks  0");
        assertThat(run("groups", "reset-offsets", "r", "--all-topics", "--to-offset", "99").stdout())
                .containsPattern("(?m)^r\\s+clicks\\s+0\\s+3\\s+5$").containsPattern("(?m)^r\\s+clicks\\s+1\\s+0\\s+5$");
        assertThat(run("groups", "reset-offsets", "r", "--topic", "clicks", "--to-datetime", "2999-01-01T00:00:00Z")
                .stdout()).containsPattern("(?m)^r\\s+clicks\\s+0\\s+3\\s+5$");
        assertThat(run("groups", "reset-offsets", "r", "--topic", "clicks", "--to-datetime", "2000-01-01").stdout())
                .containsPattern("(?m)^r\\s+clicks\\s+0\\s+3\\s+0$");
        assertThat(run("groups", "reset-offsets", "r", "--topic", "clicks", "--to-latest", "--dry-run").stdout())
                .containsPattern("(?m)^r\\s+clicks\\s+1\\s+0\\s+5$");

        assertThat(InProcess.run("groups", "reset-offsets", "fresh", "--topic", "clicks", "--shift-by", "1", "-b", b)
                .stderr()).isEqualTo("samsa: Cannot shift the offset of clicks-0: group 'fresh' has no committed "
                        + "offset there\n");
        assertThat(InProcess.run("groups", "reset-offsets", "r", "--topic", "nope", "--to-earliest", "-b", b).stderr())
                .isEqualTo("samsa: Topic 'nope' does not exist — create it with: samsa topics create nope\n");
        assertThat(InProcess.run("groups", "reset-offsets", "r", "--topic", "clicks", "--to-datetime", "soon", "-b", b)
                .stderr()).startsWith("samsa: --to-datetime: cannot read 'soon' as a time").hasLineCount(1);
        InProcess.Result noScope = InProcess.run("groups", "reset-offsets", "r", "--to-earliest", "-b", b);
        assertThat(noScope.exitCode()).isEqualTo(1);
        assertThat(noScope.stderr()).contains("--topic TOPIC (repeatable) or --all-topics");
        InProcess.Result twoTargets = InProcess.run("groups", "reset-offsets", "r", "--topic", "clicks", "--to-earliest",
                "--to-latest", "-b", b);
        assertThat(twoTargets.exitCode()).isEqualTo(2);
        InProcess.Result both = InProcess.run("groups", "reset-offsets", "r", "--topic", "clicks", "--to-earliest",
                "--dry-run", "--execute", "-b", b);
        assertThat(both.exitCode()).isEqualTo(2);
    }

    @Test
    void helpListsGroupsAndEachSummaryIsASentence() {
        String help = InProcess.run("--help").stdout();
        assertThat(help).containsPattern("(?m)^\\s+groups\\s+List, describe, reset the offsets of, and delete");
        assertThat(help).containsPattern("(?m)^\\s+produce\\s+.*\\.$").containsPattern("(?m)^\\s+demo\\s+.*\\.$");
    }

    private static InProcess.Result run(String... args) {
        String[] withBroker = java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.stream.Stream.of("-b", b))
                .toArray(String[]::new);
        InProcess.Result r = InProcess.run(withBroker);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return r;
    }

    private static String lines(String prefix, int n) {
        return IntStream.range(0, n).mapToObj(i -> prefix + i + "\n").collect(Collectors.joining());
    }

    private static void produce(String topic, int partition, String lines) throws Exception {
        Path f = Files.createTempFile("lines", ".txt");
        try {
            Files.writeString(f, lines);
            InProcess.Result r = InProcess.run("produce", topic, "--file", f.toString(), "--partition",
                    String.valueOf(partition), "-b", b);
            assertThat(r.exitCode()).as(r.toString()).isZero();
        } finally {
            Files.delete(f);
        }
    }

    /** A consumer in {@code group} that has joined and been assigned its partitions. */
    private static Consumer<byte[], byte[]> member(String group, String clientId) {
        Properties props = new Properties();
        props.put("bootstrap.servers", b);
        props.put("group.id", group);
        props.put("client.id", clientId);
        props.put("key.deserializer", ByteArrayDeserializer.class.getName());
        props.put("value.deserializer", ByteArrayDeserializer.class.getName());
        Consumer<byte[], byte[]> c = Consumers.create(props);
        c.subscribe(List.of("events"));
        long deadline = System.currentTimeMillis() + 15_000;
        while (c.assignment().size() < 2 && System.currentTimeMillis() < deadline) {
            c.poll(Duration.ofMillis(100));
        }
        assertThat(c.assignment()).hasSize(2);
        return c;
    }
}
