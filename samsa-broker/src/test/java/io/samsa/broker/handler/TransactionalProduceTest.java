package io.samsa.broker.handler;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Test;

import io.samsa.broker.SamsaBroker;
import io.samsa.broker.protocol.RawKafkaConnection;
import io.samsa.broker.testing.Clients;

/**
 * Produce refuses a transactional batch (the attributes' transactional bit, read through samsa-protocol's
 * RecordBatchHeader) with INVALID_TXN_STATE when its producer has no ongoing transaction with the partition (the
 * coordinator never added it: Kafka's verification, KIP-890), and appends the same batch without the bit. With
 * the request's transactional id the coordinator's other answers show too (fenced epoch, unknown id).
 */
class TransactionalProduceTest {
    private static final String TOPIC = "txn";

    @Test
    void transactionalBatchIsRefusedAndAPlainOneAppended() throws Exception {
        try (SamsaBroker broker = SamsaBroker.startEmbedded(Map.of("num.network.threads", "1"))) {
            try (Admin admin = Clients.admin("127.0.0.1:" + broker.port())) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
            }
            try (RawKafkaConnection c = new RawKafkaConnection("127.0.0.1", broker.port(), 30_000)) {
                ProduceResponseData.PartitionProduceResponse refused = produce(c, batch(true));
                assertThat(refused.errorCode()).isEqualTo(Errors.INVALID_TXN_STATE.code());

                ProduceResponseData.PartitionProduceResponse appended = produce(c, batch(false));
                assertThat(appended.errorCode()).isEqualTo(Errors.NONE.code());
                assertThat(appended.baseOffset()).isZero();
            }
        }
    }

    /**
     * With its transactional id, the batch gets the coordinator's answer as Kafka's leader translates it: a fenced
     * epoch is INVALID_PRODUCER_EPOCH, an id the coordinator does not know INVALID_PRODUCER_ID_MAPPING.
     */
    @Test
    void theCoordinatorsAnswerForTheTransactionalId() throws Exception {
        try (SamsaBroker broker = SamsaBroker.startEmbedded(Map.of("num.network.threads", "1"))) {
            try (Admin admin = Clients.admin("127.0.0.1:" + broker.port())) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
            }
            try (RawKafkaConnection c = new RawKafkaConnection("127.0.0.1", broker.port(), 30_000)) {
                InitProducerIdResponseData ids = initTwice(c, "fenced-txn");
                short stale = (short) (ids.producerEpoch() - 1);
                assertThat(Errors.forCode(produce(c, "fenced-txn", batch(ids.producerId(), stale, true)).errorCode()))
                        .isEqualTo(Errors.INVALID_PRODUCER_EPOCH);
                assertThat(Errors.forCode(produce(c, "unknown-txn", batch(ids.producerId(), ids.producerEpoch(),
                        true)).errorCode())).isEqualTo(Errors.INVALID_PRODUCER_ID_MAPPING);
                assertThat(Errors.forCode(produce(c, "fenced-txn", batch(ids.producerId(), ids.producerEpoch(),
                        true)).errorCode())).isEqualTo(Errors.INVALID_TXN_STATE);
            }
        }
    }

    /** FindCoordinator (creates {@code __transaction_state}), then InitProducerId until it answered twice. */
    private static InitProducerIdResponseData initTwice(RawKafkaConnection c, String txnId) throws Exception {
        c.send(ApiKeys.FIND_COORDINATOR, (short) 4, new FindCoordinatorRequestData().setKeyType((byte) 1)
                .setCoordinatorKeys(List.of(txnId)));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30); // liveness bound only
        int answered = 0;
        while (true) {
            InitProducerIdResponseData r = (InitProducerIdResponseData) c.send(ApiKeys.INIT_PRODUCER_ID, (short) 4,
                    new InitProducerIdRequestData().setTransactionalId(txnId).setTransactionTimeoutMs(60_000)
                            .setProducerId(-1).setProducerEpoch((short) -1));
            if (r.errorCode() == Errors.NONE.code() && ++answered == 2) {
                return r;
            }
            assertThat(System.nanoTime()).as("InitProducerId: %s", Errors.forCode(r.errorCode()))
                    .isLessThan(deadline);
            if (r.errorCode() != Errors.NONE.code()) {
                Thread.sleep(100);
            }
        }
    }

    private static ProduceResponseData.PartitionProduceResponse produce(RawKafkaConnection c, MemoryRecords records)
            throws Exception {
        return produce(c, null, records);
    }

    private static ProduceResponseData.PartitionProduceResponse produce(RawKafkaConnection c, String txnId,
                                                                        MemoryRecords records) throws Exception {
        ProduceRequestData request = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(5000)
                .setTransactionalId(txnId);
        ProduceRequestData.TopicProduceData topic = new ProduceRequestData.TopicProduceData().setName(TOPIC);
        topic.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(records));
        request.topicData().add(topic);
        ProduceResponseData response = (ProduceResponseData) c.send(ApiKeys.PRODUCE, (short) 9, request);
        return response.responses().iterator().next().partitionResponses().get(0);
    }

    private static MemoryRecords batch(boolean transactional) {
        return batch(1L, (short) 0, transactional);
    }

    private static MemoryRecords batch(long producerId, short epoch, boolean transactional) {
        MemoryRecordsBuilder b = MemoryRecords.builder(ByteBuffer.allocate(256), RecordBatch.MAGIC_VALUE_V2,
                Compression.NONE, TimestampType.CREATE_TIME, 0L, RecordBatch.NO_TIMESTAMP, producerId, epoch, 0,
                transactional, RecordBatch.NO_PARTITION_LEADER_EPOCH);
        b.append(System.currentTimeMillis(), null, "v".getBytes());
        return b.build();
    }
}
