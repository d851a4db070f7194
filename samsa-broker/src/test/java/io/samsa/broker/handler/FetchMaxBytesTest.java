package io.samsa.broker.handler;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchRequestData.FetchPartition;
import org.apache.kafka.common.message.FetchRequestData.FetchTopic;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.broker.protocol.RawKafkaConnection;
import io.samsa.broker.testing.BrokerProcess;
import io.samsa.broker.testing.Clients;

/**
 * Issue 9, item 8: the broker's {@code fetch.max.bytes} caps a fetch response whatever the client asks for. A raw
 * Fetch asking for 1 GiB from a partition holding four times the cap gets at most the cap plus one batch; a batch
 * larger than the cap is still returned whole when it is the first one (KIP-74).
 */
class FetchMaxBytesTest {
    private static final int CAP = 1024 * 1024;
    private static final int ASK = 1 << 30;
    private static final String TOPIC = "capped";
    private static final int RECORD_BYTES = 1024;
    private static final int BIG_RECORD_BYTES = 2 * CAP;

    @Test
    void fetchResponseIsCappedByTheBrokersFetchMaxBytes(@TempDir Path dir) throws Exception {
        int metricsPort = BrokerProcess.freePort();
        try (BrokerProcess broker = BrokerProcess.start(dir, BrokerProcess.freePort(), Map.of(
                "fetch.max.bytes", Integer.toString(CAP), "message.max.bytes", Integer.toString(4 * CAP),
                "metrics.port", Integer.toString(metricsPort)))) {
            try (Admin admin = Clients.admin(broker.bootstrapServers())) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get();
            }
            int records = 4 * CAP / RECORD_BYTES;
            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrapServers(), Map.of(
                    "batch.size", 64 * 1024, "linger.ms", 20, "max.request.size", 4 * CAP))) {
                for (int i = 0; i < records; i++) {
                    producer.send(new ProducerRecord<>(TOPIC, 0, null, new byte[RECORD_BYTES]));
                }
                producer.send(new ProducerRecord<>(TOPIC, 1, null, new byte[BIG_RECORD_BYTES]));
                producer.flush();
            }

            try (RawKafkaConnection c = new RawKafkaConnection("127.0.0.1", broker.port(), 30_000)) {
                PartitionData many = fetchFromStart(c, 0);
                List<Integer> batchSizes = batchSizes(many);
                int largest = batchSizes.stream().max(Integer::compare).orElse(0);
                long lastOffset = lastOffset(many);
                System.out.printf("asked %d bytes, broker fetch.max.bytes %d: got %d bytes in %d batches "
                                + "(largest %d), offsets 0..%d of %d%n", ASK, CAP, many.records().sizeInBytes(),
                        batchSizes.size(), largest, lastOffset, many.highWatermark());
                assertThat(many.errorCode()).isEqualTo(Errors.NONE.code());
                assertThat(many.records().sizeInBytes()).isPositive().isLessThanOrEqualTo(CAP + largest);
                assertThat(lastOffset).isLessThan(many.highWatermark() - 1);

                PartitionData big = fetchFromStart(c, 1);
                assertThat(big.errorCode()).isEqualTo(Errors.NONE.code());
                assertThat(batchSizes(big)).as("the first batch is returned whole even above the cap (KIP-74)")
                        .hasSize(1).allSatisfy(size -> assertThat(size).isGreaterThan(BIG_RECORD_BYTES));
            }
            broker.health(3, metricsPort).assertHealthy("a capped fetch", 0);
        }
    }

    private static PartitionData fetchFromStart(RawKafkaConnection c, int partition) throws Exception {
        FetchRequestData request = new FetchRequestData().setReplicaId(-1).setMaxWaitMs(0).setMinBytes(1)
                .setMaxBytes(ASK).setSessionId(0).setSessionEpoch(-1);
        request.topics().add(new FetchTopic().setTopic(TOPIC).setPartitions(List.of(new FetchPartition()
                .setPartition(partition).setFetchOffset(0).setPartitionMaxBytes(ASK))));
        FetchResponseData response = (FetchResponseData) c.send(ApiKeys.FETCH, (short) 11, request);
        assertThat(response.errorCode()).isEqualTo(Errors.NONE.code());
        return response.responses().get(0).partitions().get(0);
    }

    private static List<Integer> batchSizes(PartitionData data) {
        List<Integer> sizes = new ArrayList<>();
        for (RecordBatch b : ((MemoryRecords) data.records()).batches()) {
            sizes.add(b.sizeInBytes());
        }
        return sizes;
    }

    private static long lastOffset(PartitionData data) {
        long last = -1;
        for (RecordBatch b : ((MemoryRecords) data.records()).batches()) {
            last = b.lastOffset();
        }
        return last;
    }
}
