package io.samsa.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.samsa.broker.SamsaBroker;

/**
 * {@code consume}, {@code perf consume} and the demo's read-back, in this JVM (fast), with Samsa's consumer.
 */
class ConsumeCommandTest {
    private static SamsaBroker broker;
    private static String b;

    @BeforeAll
    static void start() throws Exception {
        broker = SamsaBroker.startEmbedded();
        b = broker.bootstrapServers();
        assertThat(InProcess.run("topics", "create", "words", "-p", "2", "-b", b).exitCode()).isZero();
        java.nio.file.Path f = java.nio.file.Files.createTempFile("words", ".txt");
        try {
            java.nio.file.Files.writeString(f, "a:apple\nb:banana\nc:cherry\nd:date\n");
            assertThat(InProcess.run("produce", "words", "--file", f.toString(), "-k", ":", "-p", "1", "-H", "h=1",
                    "-b", b).exitCode()).isZero();
        } finally {
            java.nio.file.Files.delete(f);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void fromBeginningWithMaxMessagesPrintsExactlyThoseValues() {
        InProcess.Result r = InProcess.run("consume", "words", "--from-beginning", "--max-messages", "4", "-b", b);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).isEqualTo("apple\nbanana\ncherry\ndate\n");
        assertThat(r.stderr()).isEqualTo("Processed a total of 4 messages\n");
    }

    @Test
    void offsetAndPartitionAndFormats() {
        InProcess.Result fields = InProcess.run("consume", "words", "--partition", "1", "--offset", "2",
                "--max-messages", "2", "--format", "partition,offset,key,value,headers", "-b", b);
        assertThat(fields.stdout()).isEqualTo("1\t2\tc\tcherry\th=1\n1\t3\td\tdate\th=1\n");

        InProcess.Result json = InProcess.run("consume", "words", "--offset", "earliest", "-n", "1", "-F", "json",
                "-p", "1", "-b", b);
        assertThat(json.stdout()).startsWith("{\"topic\":\"words\",\"partition\":1,\"offset\":0,\"timestamp\":")
                .endsWith(",\"key\":\"a\",\"value\":\"apple\",\"headers\":{\"h\":\"1\"}}\n");

        InProcess.Result idle = InProcess.run("consume", "words", "--partition", "0", "--from-beginning",
                "--idle-timeout", "300", "-b", b);
        assertThat(idle.exitCode()).isZero();
        assertThat(idle.stdout()).isEmpty();
    }

    @Test
    void userErrorsAreOneLine() {
        assertThat(InProcess.run("consume", "nope", "-b", b).stderr())
                .isEqualTo("samsa: Topic 'nope' does not exist — create it with: samsa topics create nope\n");
        assertThat(InProcess.run("consume", "words", "--partition", "5", "-b", b).stderr())
                .isEqualTo("samsa: Topic 'words' has partitions 0..1; there is no partition 5\n");
        InProcess.Result both = InProcess.run("consume", "words", "--from-beginning", "--offset", "3", "-b", b);
        assertThat(both.exitCode()).isEqualTo(1);
        assertThat(both.stderr()).isEqualTo("samsa: Give --from-beginning or --offset, not both\n");
        assertThat(InProcess.run("consume", "words", "--offset", "-4", "-b", b).stderr())
                .contains("--offset must be a non-negative number");
    }

    @Test
    void perfConsumePrintsKafkasHeaderAndSummary() {
        InProcess.Result r = InProcess.run("perf", "consume", "--topic", "words", "--messages", "4", "--progress",
                "plain", "--bootstrap-server", b);
        assertThat(r.exitCode()).as(r.toString()).isZero();
    }

    @Test
    void demoReadsEveryRecordBackPerPartition() {
        InProcess.Result r = InProcess.run("demo");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).contains("4. Consume  12 records read back from the beginning of each partition:")
                .containsPattern("partition 0: \\d+ records?")
                .containsPattern("partition 1: \\d+ records?")
                .containsPattern("partition 2: \\d+ records?")
                .containsPattern("(?m)^\\s+0\\s+alice\\s+espresso$");
    }

    @Test
    void aGroupResumesWhereItLeftOff() {
        InProcess.Result first = InProcess.run("consume", "words", "--group", "g1", "--from-beginning",
                "--max-messages", "3", "--idle-timeout", "10000", "-b", b);
        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.stdout()).isEqualTo("apple\nbanana\ncherry\n");
        InProcess.Result second = InProcess.run("consume", "words", "--group", "g1", "--max-messages", "1", "--idle-timeout", "10000",
                "-b", b);
        assertThat(second.stdout()).as(second.toString()).isEqualTo("date\n");
        assertThat(InProcess.run("consume", "words", "--group", "g1", "--partition", "0", "-b", b).stderr())
                .contains("cannot be combined with --partition");
    }
}
