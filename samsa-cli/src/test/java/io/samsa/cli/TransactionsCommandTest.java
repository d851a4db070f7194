package io.samsa.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.samsa.broker.SamsaBroker;

/**
 * {@code samsa transactions}, in this JVM, against an embedded broker, with a stock transactional KafkaProducer
 * opening and committing the transaction the command shows.
 */
class TransactionsCommandTest {
    private static SamsaBroker broker;
    private static String b;

    @BeforeAll
    static void start() throws Exception {
        broker = SamsaBroker.startEmbedded(Map.of());
        b = broker.bootstrapServers();
    }

    @AfterAll
    static void stop() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void listAndDescribeAnOpenThenCommittedTransaction() throws Exception {
        assertThat(InProcess.run("topics", "create", "payments", "-p", "2", "-b", b).exitCode()).isZero();
        try (KafkaProducer<byte[], byte[]> producer = transactional("tx-pay")) {
            producer.beginTransaction();
            for (String v : new String[] {"p1", "p2"}) {
                producer.send(new ProducerRecord<>("payments", 1, null, v.getBytes(StandardCharsets.UTF_8)))
                        .get(30, TimeUnit.SECONDS);
            }

            InProcess.Result list = run("transactions", "list");
            assertThat(list.stdout()).containsPattern("(?m)^TransactionalId\\s+Coordinator\\s+ProducerId"
                    + "\\s+TransactionState$");
            Matcher row = Pattern.compile("(?m)^tx-pay\\s+\\d+\\s+(\\d+)\\s+Ongoing$").matcher(list.stdout());
            assertThat(row.find()).as(list.toString()).isTrue();
            String producerId = row.group(1);
            assertThat(run("transactions", "list", "--state", "Ongoing").stdout()).contains("tx-pay");
            assertThat(run("transactions", "list", "--producer-id", producerId).stdout()).contains("tx-pay");
            assertThat(run("transactions", "list", "--state", "CompleteCommit").stdout()).doesNotContain("tx-pay");
            assertThat(run("transactions", "list", "--producer-id",
                    String.valueOf(Long.parseLong(producerId) + 1)).stdout())
                    .doesNotContain("tx-pay");

            InProcess.Result open = run("transactions", "describe", "--transactional-id", "tx-pay");
            assertThat(open.stdout()).containsPattern("(?m)^CoordinatorId\\s+TransactionalId\\s+ProducerId"
                    + "\\s+ProducerEpoch\\s+TransactionState\\s+TransactionTimeoutMs\\s+CurrentTransactionStartTimeMs"
                    + "\\s+TransactionDurationMs\\s+TopicPartitions$")
                    .containsPattern("(?m)^\\d+\\s+tx-pay\\s+" + producerId + "\\s+\\d+\\s+Ongoing\\s+45000\\s+\\d{13}"
                            + "\\s+\\d+\\s+payments-1$");

            InProcess.Result producers = run("transactions", "describe-producers", "--topic", "payments",
                    "--partition", "1");
            assertThat(producers.stdout()).containsPattern("(?m)^ProducerId\\s+ProducerEpoch\\s+LatestCoordinatorEpoch"
                    + "\\s+LastSequence\\s+LastTimestamp\\s+CurrentTransactionStartOffset$")
                    .containsPattern("(?m)^" + producerId + "\\s+\\d+\\s+\\S+\\s+1\\s+\\d{13}\\s+0$");

            producer.commitTransaction();
            InProcess.Result committed = run("transactions", "describe", "--transactional-id", "tx-pay");
            assertThat(committed.stdout()).containsPattern("(?m)^\\d+\\s+tx-pay\\s+" + producerId
                    + "\\s+\\d+\\s+CompleteCommit\\s");
            assertThat(run("transactions", "list", "--state", "CompleteCommit").stdout())
                    .containsPattern("(?m)^tx-pay\\s+\\d+\\s+" + producerId + "\\s+CompleteCommit$");
            // The COMMIT marker lands after commitTransaction returns. It carries the epoch the producer's
            // transaction version 2 bumps, and the partition forgets the old epoch's sequence, as Kafka does.
            String after = "";
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30); // liveness only
            while (!after.contains("None") && System.nanoTime() < deadline) {
                after = run("transactions", "describe-producers", "--topic", "payments", "--partition", "1").stdout();
            }
            assertThat(after).containsPattern("(?m)^" + producerId + "\\s+\\d+\\s+\\d+\\s+-1\\s+\\d{13}\\s+None$");
        }
    }

    @Test
    void unknownIdsTopicsAndStatesAreOneReadableLine() {
        InProcess.Result unknown = InProcess.run("transactions", "describe", "--transactional-id", "nope", "-b", b);
        assertThat(unknown.exitCode()).as(unknown.toString()).isEqualTo(1);
        assertThat(unknown.stderr()).isEqualTo("samsa: Transactional id 'nope' does not exist\n");

        InProcess.Result state = InProcess.run("transactions", "list", "--state", "Finished", "-b", b);
        assertThat(state.exitCode()).as(state.toString()).isEqualTo(1);
        assertThat(state.stderr()).startsWith("samsa: Unknown transaction state Finished (Empty, Ongoing,")
                .hasLineCount(1);

        InProcess.Result topic = InProcess.run("transactions", "describe-producers", "--topic", "absent",
                "--partition", "0", "-b", b);
        assertThat(topic.exitCode()).as(topic.toString()).isEqualTo(1);
        assertThat(topic.stderr()).isEqualTo("samsa: Topic 'absent' does not exist — create it with: samsa topics "
                + "create absent\n");

        assertThat(InProcess.run("topics", "create", "single", "-p", "1", "-b", b).exitCode()).isZero();
        InProcess.Result partition = InProcess.run("transactions", "describe-producers", "--topic", "single",
                "--partition", "3", "-b", b);
        assertThat(partition.exitCode()).as(partition.toString()).isEqualTo(1);
        assertThat(partition.stderr()).isEqualTo("samsa: Topic 'single' has no partition 3 (it has 1)\n");

        InProcess.Result usage = InProcess.run("transactions", "describe", "-b", b);
        assertThat(usage.exitCode()).isEqualTo(2);
        assertThat(usage.stderr()).contains("--transactional-id");
    }

    @Test
    void helpListsTransactions() {
        assertThat(InProcess.run("--help").stdout()).containsPattern(
                "(?m)^\\s+transactions\\s+List and describe transactions; show a partition's producers\\.$");
        assertThat(InProcess.run("transactions", "--help").stdout()).contains("describe-producers");
    }

    private static InProcess.Result run(String... args) {
        String[] withBroker = java.util.stream.Stream.concat(java.util.Arrays.stream(args),
                java.util.stream.Stream.of("-b", b)).toArray(String[]::new);
        InProcess.Result r = InProcess.run(withBroker);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return r;
    }

    /** A stock kafka-clients producer with a transactional id, its transactions initialized. */
    private static KafkaProducer<byte[], byte[]> transactional(String id) {
        KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of("bootstrap.servers", b, "transactional.id", id,
                "transaction.timeout.ms", 45_000, "max.block.ms", 30_000,
                "key.serializer", ByteArraySerializer.class.getName(),
                "value.serializer", ByteArraySerializer.class.getName()));
        p.initTransactions();
        return p;
    }
}
