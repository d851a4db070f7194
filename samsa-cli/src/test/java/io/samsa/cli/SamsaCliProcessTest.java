package io.samsa.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;

import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.samsa.broker.SamsaBroker;
import io.samsa.clients.admin.SamsaAdmin;
import io.samsa.clients.admin.TopicDescription;

/** The acceptance cases, each through {@code samsa} as a separate process (see {@link CliProcess}). */
class SamsaCliProcessTest {
    private static SamsaBroker broker;
    private static String bootstrap;

    @BeforeAll
    static void start() throws Exception {
        broker = SamsaBroker.startEmbedded();
        bootstrap = broker.bootstrapServers();
    }

    @AfterAll
    static void stop() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void createsATopicAndProducesLinesFromStdin() {
        CliProcess.Result create = CliProcess.run(null, "topics", "create", "lines", "--partitions", "2",
                "--bootstrap-server", bootstrap);
        assertThat(create.exitCode()).as(create.toString()).isZero();
        assertThat(create.stdout()).contains("Created topic lines with 2 partitions");

        CliProcess.Result produce = CliProcess.run("k1:one\nk2:two\nk1:three\n", "produce", "lines",
                "--key-separator", ":", "--header", "source=test", "-b", bootstrap);
        assertThat(produce.exitCode()).as(produce.toString()).isZero();
        assertThat(produce.stdout()).contains("Sent 3 records");
        assertThat(produce.stderr()).isEmpty(); // client commands log only warnings

        try (SamsaAdmin admin = new SamsaAdmin(bootstrap, Duration.ofSeconds(10))) {
            TopicDescription d = admin.describeTopic("lines");
            assertThat(d.partitions().stream().mapToLong(TopicDescription.Partition::records).sum()).isEqualTo(3);
            // both k1 records went to one partition, in order
            assertThat(d.partitions()).anySatisfy(p -> assertThat(p.records()).isGreaterThanOrEqualTo(2));
        }
    }

    @Test
    void demoExitsZeroAndPrintsOffsetsForEachPartition() {
        CliProcess.Result demo = CliProcess.run(null, "demo");
        assertThat(demo.exitCode()).as(demo.toString()).isZero();
        String out = demo.stdout();
        assertThat(out).contains("'orders' created with 3 partitions");
        // the produce table: KEY VALUE PARTITION OFFSET; every partition gets records, offsets 0, 1, 2, ... each
        Map<Integer, List<Long>> offsets = new TreeMap<>();
        Matcher row = Pattern.compile("(?m)^\\s+(alice|bob|carol|dave|erin|frank)\\s+.+?\\s+(\\d+)\\s+(\\d+)$")
                .matcher(out);
        while (row.find()) {
            offsets.computeIfAbsent(Integer.parseInt(row.group(2)), k -> new ArrayList<>())
                    .add(Long.parseLong(row.group(3)));
        }
        assertThat(offsets).as(out).containsOnlyKeys(0, 1, 2);
        offsets.values().forEach(o -> assertThat(o).isEqualTo(LongStream.range(0, o.size()).boxed().toList()));
        assertThat(offsets.values().stream().mapToInt(List::size).sum()).isEqualTo(12);
        assertThat(out).contains("4. Consume  12 records read back from the beginning of each partition:");
        assertThat(out).containsPattern("broker closed; .* removed\\.");
    }

    @Test
    void unknownTopicIsOneLineAndExitCodeOne() {
        CliProcess.Result r = CliProcess.run("x\n", "produce", "no-such-topic", "-b", bootstrap);
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.stderrLines()).containsExactly(
                "samsa: Topic 'no-such-topic' does not exist — create it with: samsa topics create no-such-topic");
        assertThat(r.stdout()).isEmpty();
    }

    @Test
    void unreachableBrokerNamesTheAddressAndWhatFailed() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        CliProcess.Result r = CliProcess.run(null, "topics", "list", "--bootstrap-server", "127.0.0.1:" + closedPort);
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.stderrLines()).singleElement().asString()
                .startsWith("samsa: Cannot reach a broker at 127.0.0.1:" + closedPort + " (connection refused)");
    }

    @Test
    void badFlagValueIsOneLineAndExitCodeOne() {
        CliProcess.Result r = CliProcess.run("", "produce", "lines", "--acks", "7", "-b", bootstrap);
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.stderrLines()).containsExactly("samsa: --acks must be all, 1 or 0, not '7'");
    }

    @Test
    void unknownFlagIsAUsageErrorOnOneLine() {
        CliProcess.Result r = CliProcess.run(null, "topics", "list", "--no-such-flag");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.stderrLines()).containsExactly(
                "samsa: Unknown option: '--no-such-flag' (see 'samsa topics list --help')");
    }

    @Test
    void consumeFromBeginningReturnsExactlyTheLines() {
        assertThat(CliProcess.run(null, "topics", "create", "echo", "-p", "3", "-b", bootstrap).exitCode()).isZero();
        String lines = IntStream.rangeClosed(1, 20).mapToObj(i -> "line " + i + "\n").collect(Collectors.joining());
        CliProcess.Result produce = CliProcess.run(lines, "produce", "echo", "--partition", "1", "-b", bootstrap);
        assertThat(produce.exitCode()).as(produce.toString()).isZero();

        CliProcess.Result consume = CliProcess.run(null, "consume", "echo", "--from-beginning", "--max-messages", "20",
                "-b", bootstrap);
        assertThat(consume.exitCode()).as(consume.toString()).isZero();
        assertThat(consume.stdout()).isEqualTo(lines);

        CliProcess.Result some = CliProcess.run(null, "consume", "echo", "--partition", "1", "--offset", "17",
                "--max-messages", "3", "--format", "partition,offset,value", "-b", bootstrap);
        assertThat(some.stdout()).isEqualTo("1\t17\tline 18\n1\t18\tline 19\n1\t19\tline 20\n");
    }

    @Test
    void perfProduceRunsAndPrintsKafkasSummaryLine() {
        assertThat(CliProcess.run(null, "topics", "create", "perf", "-b", bootstrap).exitCode()).isZero();
        CliProcess.Result r = CliProcess.run(null, "perf", "produce", "--topic", "perf", "--num-records", "2000",
                "--record-size", "50", "--throughput", "-1", "--producer-props", "acks=1", "linger.ms=1",
                "--bootstrap-server", bootstrap);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).containsPattern("2000 records sent, [\\d.]+ records/sec \\([\\d.]+ MB/sec\\), "
                + "[\\d.]+ ms avg latency, [\\d.]+ ms max latency, \\d+ ms 50th, \\d+ ms 95th, \\d+ ms 99th, "
                + "\\d+ ms 99.9th.");
        assertThat(r.stderr()).doesNotContain("\r"); // not a terminal: no progress bar
    }
}
