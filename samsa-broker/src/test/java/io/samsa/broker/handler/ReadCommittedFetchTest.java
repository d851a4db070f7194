package io.samsa.broker.handler;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.samsa.broker.SamsaBroker;
import io.samsa.broker.testing.Clients;
import io.samsa.log.Log;

/**
 * Fetch and ListOffsets at read_committed against an embedded broker, read by stock kafka-clients consumers: the
 * test writes transactional batches and markers straight into the partition's log (no transaction coordinator
 * exists yet), and a read_committed consumer gets the committed and plain records only, stopping at the last
 * stable offset, while a read_uncommitted one gets everything.
 */
class ReadCommittedFetchTest {
    private static final long A = 4000;
    private static final long B = 5000;
    private static final short EPOCH = 0;

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

    private static SimpleRecord[] values(String... values) {
        SimpleRecord[] out = new SimpleRecord[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = new SimpleRecord(System.currentTimeMillis(), null, values[i].getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    /** Polls until the consumer's position reaches {@code end} (bounded), returning the values read. */
    private static List<String> readTo(KafkaConsumer<byte[], byte[]> consumer, TopicPartition tp, long end) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 100 && consumer.position(tp) < end; i++) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                out.add(new String(r.value(), StandardCharsets.UTF_8));
            }
        }
        assertThat(consumer.position(tp)).isEqualTo(end);
        return out;
    }

    @Test
    void aReadCommittedConsumerSkipsAbortedRecordsAndStopsAtTheLastStableOffset() throws Exception {
        admin.createTopics(List.of(new NewTopic("txn", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        Log log = broker.topics().log("txn", 0);
        int epoch = Math.max(0, log.latestEpoch());
        log.appendAsLeader(MemoryRecords.withRecords(Compression.NONE, values("p0", "p1")).buffer(), epoch); // 0-1
        log.appendAsLeader(MemoryRecords.withTransactionalRecords(Compression.NONE, A, EPOCH, 0,
                values("a-aborted-0", "a-aborted-1")).buffer(), epoch);                                   // 2-3
        log.appendAsLeader(MemoryRecords.withTransactionalRecords(Compression.NONE, B, EPOCH, 0,
                values("b-committed-0")).buffer(), epoch);                                                // 4
        log.appendAsLeader(MemoryRecords.withRecords(Compression.NONE, values("p2")).buffer(), epoch);       // 5
        log.appendControlMarkerAsLeader(A, EPOCH, false, 0, epoch);                                          // 6
        log.appendAsLeader(MemoryRecords.withTransactionalRecords(Compression.NONE, B, EPOCH, 1,
                values("b-committed-1")).buffer(), epoch);                                                // 7
        log.appendControlMarkerAsLeader(B, EPOCH, true, 0, epoch);                                           // 8
        log.appendAsLeader(MemoryRecords.withTransactionalRecords(Compression.NONE, A, EPOCH, 2,
                values("a-open")).buffer(), epoch);                                                       // 9
        log.appendAsLeader(MemoryRecords.withRecords(Compression.NONE, values("p3")).buffer(), epoch);       // 10
        log.updateHighWatermark(log.logEndOffset()); // a single node: its own only in-sync replica
        assertThat(log.lastStableOffset()).isEqualTo(9);

        TopicPartition tp = new TopicPartition("txn", 0);
        try (KafkaConsumer<byte[], byte[]> committed = Clients.consumer(broker.bootstrapServers(),
                Map.of("isolation.level", "read_committed"));
             KafkaConsumer<byte[], byte[]> uncommitted = Clients.consumer(broker.bootstrapServers(),
                     Map.of("isolation.level", "read_uncommitted"))) {
            committed.assign(List.of(tp));
            uncommitted.assign(List.of(tp));
            assertThat(committed.endOffsets(List.of(tp)).get(tp)).isEqualTo(9L); // ListOffsets LATEST → LSO
            assertThat(uncommitted.endOffsets(List.of(tp)).get(tp)).isEqualTo(11L);
            committed.seekToBeginning(List.of(tp));
            uncommitted.seekToBeginning(List.of(tp));

            assertThat(readTo(committed, tp, 9)).containsExactly("p0", "p1", "b-committed-0", "p2",
                    "b-committed-1");
            assertThat(readTo(uncommitted, tp, 11)).containsExactly("p0", "p1", "a-aborted-0", "a-aborted-1",
                    "b-committed-0", "p2", "b-committed-1", "a-open", "p3");

            // DescribeProducers shows A's open transaction and B's last marker's coordinator epoch.
            Map<Long, ProducerState> producers = new java.util.HashMap<>();
            for (ProducerState p : admin.describeProducers(List.of(tp)).partitionResult(tp).get(30, TimeUnit.SECONDS)
                    .activeProducers()) {
                producers.put(p.producerId(), p);
            }
            assertThat(producers.get(A).currentTransactionStartOffset()).hasValue(9L);
            assertThat(producers.get(B).currentTransactionStartOffset()).isEmpty();
            assertThat(producers.get(B).coordinatorEpoch()).hasValue(0);

            // A commits: the rest becomes readable at read_committed.
            log.appendControlMarkerAsLeader(A, EPOCH, true, 0, epoch);                                       // 11
            log.updateHighWatermark(log.logEndOffset());
            assertThat(committed.endOffsets(List.of(tp)).get(tp)).isEqualTo(12L);
            assertThat(readTo(committed, tp, 12)).containsExactly("a-open", "p3");
        }
    }
}
