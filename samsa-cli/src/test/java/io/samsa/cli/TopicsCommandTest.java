package io.samsa.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.samsa.broker.SamsaBroker;

class TopicsCommandTest {
    private static SamsaBroker broker;
    private static String b;

    @BeforeAll
    static void start() throws Exception {
        broker = SamsaBroker.startEmbedded();
        b = broker.bootstrapServers();
    }

    @AfterAll
    static void stop() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void createDescribeAlterDelete() {
        InProcess.Result create = InProcess.run("topics", "create", "events", "-p", "2", "-r", "1",
                "--config", "retention.ms=60000", "--config", "segment.bytes=1048576", "-b", b);
        assertThat(create.exitCode()).as(create.toString()).isZero();

        assertThat(InProcess.run("topics", "list", "-b", b).stdout()).contains("events\n");

        InProcess.Result describe = InProcess.run("topics", "describe", "events", "-b", b);
        assertThat(describe.exitCode()).as(describe.toString()).isZero();
        assertThat(describe.stdout())
                .contains("Topic: events\t")
                .contains("PartitionCount: 2\tReplicationFactor: 1\t")
                .contains("retention.ms=60000").contains("segment.bytes=1048576")
                .containsPattern("PARTITION\\s+LEADER\\s+REPLICAS\\s+ISR\\s+LOG-START\\s+LOG-END")
                .containsPattern("(?m)^\\s+0\\s+0\\s+0\\s+0\\s+0\\s+0\\s+0$")
                .containsPattern("(?m)^\\s+1\\s+0\\s+0\\s+0\\s+0\\s+0\\s+0$");

        InProcess.Result grow = InProcess.run("topics", "alter-partitions", "events", "--partitions", "4", "-b", b);
        assertThat(grow.stdout()).contains("now has 4 partitions (was 2)");
        assertThat(InProcess.run("topics", "describe", "events", "-b", b).stdout()).contains("PartitionCount: 4");

        InProcess.Result shrink = InProcess.run("topics", "alter-partitions", "events", "--partitions", "3", "-b", b);
        assertThat(shrink.exitCode()).isEqualTo(1);
        assertThat(shrink.stderr()).contains("has 4 partitions").doesNotContain("Exception");

        assertThat(InProcess.run("topics", "delete", "events", "-b", b).stdout()).contains("Deleted topic events.");
        assertThat(InProcess.run("topics", "delete", "events", "--if-exists", "-b", b).exitCode()).isZero();
        InProcess.Result again = InProcess.run("topics", "delete", "events", "-b", b);
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.stderr()).isEqualTo(
                "samsa: Topic 'events' does not exist — create it with: samsa topics create events\n");
    }

    @Test
    void alterConfigSetsAndDeletesTopicConfigs() {
        assertThat(InProcess.run("topics", "create", "tuned", "--config", "cleanup.policy=compact", "-b", b)
                .exitCode()).isZero();
        InProcess.Result alter = InProcess.run("topics", "alter-config", "tuned", "--set", "retention.ms=60000",
                "--set", "max.message.bytes=2048", "--delete", "cleanup.policy", "-b", b);
        assertThat(alter.exitCode()).as(alter.toString()).isZero();
        assertThat(alter.stdout()).isEqualTo(
                "Updated topic tuned: retention.ms=60000, max.message.bytes=2048, cleanup.policy removed.\n");
        assertThat(InProcess.run("topics", "describe", "tuned", "-b", b).stdout())
                .contains("Configs: max.message.bytes=2048,retention.ms=60000\n");
        assertThat(broker.topics().log("tuned", 0).config().retentionMs()).isEqualTo(60_000L);

        InProcess.Result bad = InProcess.run("topics", "alter-config", "tuned", "--set", "retention.ms=soon", "-b", b);
        assertThat(bad.exitCode()).as(bad.toString()).isEqualTo(1);
        assertThat(bad.stderr()).startsWith("samsa: ").contains("retention.ms").hasLineCount(1);
        InProcess.Result unknown = InProcess.run("topics", "alter-config", "nope", "--set", "retention.ms=1", "-b", b);
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.stderr()).contains("Topic 'nope' does not exist").hasLineCount(1);
        InProcess.Result nothing = InProcess.run("topics", "alter-config", "tuned", "-b", b);
        assertThat(nothing.exitCode()).isEqualTo(1);
        assertThat(nothing.stderr()).isEqualTo("samsa: Nothing to change: give --set KEY=VALUE or --delete KEY\n");
        InProcess.Result noValue = InProcess.run("topics", "alter-config", "tuned", "--set", "retention.ms", "-b", b);
        assertThat(noValue.exitCode()).isNotZero();
        assertThat(noValue.stderr()).startsWith("samsa: ").contains("retention.ms");
    }

    @Test
    void createTwiceAndImpossibleReplicationAreUserErrors() {
        assertThat(InProcess.run("topics", "create", "dup", "-b", b).exitCode()).isZero();
        InProcess.Result twice = InProcess.run("topics", "create", "dup", "-b", b);
        assertThat(twice.exitCode()).isEqualTo(1);
        assertThat(twice.stderr()).isEqualTo("samsa: Topic 'dup' already exists\n");
        assertThat(InProcess.run("topics", "create", "dup", "--if-not-exists", "-b", b).exitCode()).isZero();

        InProcess.Result rf = InProcess.run("topics", "create", "rf3", "--replication-factor", "3", "-b", b);
        assertThat(rf.exitCode()).isEqualTo(1);
        assertThat(rf.stderr()).startsWith("samsa: Topic 'rf3': Unable to replicate").hasLineCount(1);

        InProcess.Result badConfig = InProcess.run("topics", "create", "cfg", "--config", "retention.ms=soon", "-b", b);
        assertThat(badConfig.exitCode()).as(badConfig.toString()).isEqualTo(1);
        assertThat(badConfig.stderr()).contains("retention.ms").hasLineCount(1);
    }

    @Test
    void produceSummaryShowsPerPartitionOffsetRanges() throws Exception {
        assertThat(InProcess.run("topics", "create", "sum", "-p", "3", "-b", b).exitCode()).isZero();
        java.nio.file.Path file = java.nio.file.Files.createTempFile("lines", ".txt");
        try {
            java.nio.file.Files.writeString(file, "a\nb\nc\nd\n");
            InProcess.Result r = InProcess.run("produce", "sum", "--file", file.toString(), "--partition", "2",
                    "--compression", "lz4", "--acks", "1", "-b", b);
            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(r.stdout()).contains("Sent 4 records (4 bytes of keys and values) to sum")
                    .containsPattern("(?m)^\\s+2\\s+4\\s+0-3$");
            InProcess.Result more = InProcess.run("produce", "sum", "--file", file.toString(), "--partition", "2",
                    "-b", b);
            assertThat(more.stdout()).containsPattern("(?m)^\\s+2\\s+4\\s+4-7$");
        } finally {
            java.nio.file.Files.delete(file);
        }
        InProcess.Result created = InProcess.run("produce", "fresh", "--create", "--partitions", "1", "--file",
                "/dev/null", "-b", b);
        assertThat(created.exitCode()).as(created.toString()).isZero();
        assertThat(created.stderr()).contains("Created topic fresh.");
        assertThat(InProcess.run("produce", "sum", "--file", "/no/such/file", "-b", b).stderr())
                .isEqualTo("samsa: No such file: /no/such/file\n");
    }

    @Test
    void deleteRecordsMovesThePartitionsLogStart() throws Exception {
        assertThat(InProcess.run("topics", "create", "purge", "-b", b).exitCode()).isZero();
        java.nio.file.Path file = java.nio.file.Files.createTempFile("lines", ".txt");
        try {
            java.nio.file.Files.writeString(file, "a\nb\nc\nd\ne\n");
            assertThat(InProcess.run("produce", "purge", "--file", file.toString(), "-b", b).exitCode()).isZero();
        } finally {
            java.nio.file.Files.delete(file);
        }
        InProcess.Result deleted = InProcess.run("topics", "delete-records", "purge", "--partition", "0", "--before",
                "3", "-b", b);
        assertThat(deleted.exitCode()).as(deleted.toString()).isZero();
        assertThat(deleted.stdout()).isEqualTo("Deleted the records of purge-0 before offset 3: its log start is now 3.\n");
        assertThat(broker.topics().log("purge", 0).logStartOffset()).isEqualTo(3);
        assertThat(InProcess.run("topics", "describe", "purge", "-b", b).stdout())
                .containsPattern("(?m)^\\s+0\\s+0\\s+0\\s+0\\s+3\\s+5\\s+2$");

        InProcess.Result all = InProcess.run("topics", "delete-records", "purge", "-p", "0", "--before", "-1",
                "-b", b);
        assertThat(all.stdout()).as(all.toString()).contains("its log start is now 5.");

        InProcess.Result tooFar = InProcess.run("topics", "delete-records", "purge", "-p", "0", "--before", "99",
                "-b", b);
        assertThat(tooFar.exitCode()).isEqualTo(1);
        assertThat(tooFar.stderr()).contains("past the partition's last committed offset").hasLineCount(1);
        InProcess.Result noPartition = InProcess.run("topics", "delete-records", "purge", "-p", "7", "--before",
                "1", "-b", b);
        assertThat(noPartition.exitCode()).isEqualTo(1);
        assertThat(noPartition.stderr()).contains("has no partition 7").hasLineCount(1);
        assertThat(InProcess.run("topics", "create", "kept", "--config", "cleanup.policy=compact", "-b", b)
                .exitCode()).isZero();
        InProcess.Result compacted = InProcess.run("topics", "delete-records", "kept", "-p", "0", "--before", "0",
                "-b", b);
        assertThat(compacted.exitCode()).isEqualTo(1);
        assertThat(compacted.stderr()).contains("cleanup.policy").hasLineCount(1);
    }
}
