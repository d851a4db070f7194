package io.samsa.broker.quota;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.samsa.broker.SamsaBroker;
import io.samsa.broker.testing.Clients;
import io.samsa.protocol.WireCodec;

/**
 * Throttle times seen on the wire (raw frames against a broker): a {@code request_percentage} quota throttles any
 * response that has {@code throttle_time_ms} (here Metadata), bounded by one quota window, and only the client it
 * names, and a consumer's Fetch so throttled is answered empty; a Produce with acks=0 over its byte rate gets no response but still mutes its connection, so the next
 * request on it is read only after the throttle.
 */
class ThrottleTimeInResponsesTest {
    private static SamsaBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = SamsaBroker.startEmbedded();
        try (Admin admin = Clients.admin(broker.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic("t", 1, (short) 1), new NewTopic("fetched", 1, (short) 1)))
                    .all().get();
            admin.alterClientQuotas(List.of(
                    // so small that any request's handler time exceeds it: every one is throttled (at most a window)
                    quota("busy", "request_percentage", 1e-9),
                    quota("silent", "producer_byte_rate", 10_000))).all().get();
        }
    }

    @AfterAll
    static void stop() throws Exception {
        broker.close();
    }

    private static ClientQuotaAlteration quota(String clientId, String key, double value) {
        return new ClientQuotaAlteration(new ClientQuotaEntity(Map.of(ClientQuotaEntity.CLIENT_ID, clientId)),
                List.of(new ClientQuotaAlteration.Op(key, value)));
    }

    @Test
    void aRequestTimeQuotaThrottlesMetadataOfThatClientOnly() throws Exception {
        short v = 12;
        try (Socket busy = connect(); Socket other = connect()) {
            MetadataResponseData throttled = (MetadataResponseData) roundTrip(busy, "busy", 1, ApiKeys.METADATA, v,
                    new MetadataRequestData().setTopics(null));
            assertThat(throttled.throttleTimeMs()).as("far over its quota: throttled for at most one window")
                    .isBetween(1, 1000);
            MetadataResponseData free = (MetadataResponseData) roundTrip(other, "not-busy", 1, ApiKeys.METADATA, v,
                    new MetadataRequestData().setTopics(null));
            assertThat(free.throttleTimeMs()).isZero();
        }
    }

    @Test
    void aConsumersFetchThrottledForRequestTimeIsAnsweredEmpty() throws Exception {
        ProduceRequestData produce = new ProduceRequestData().setAcks((short) 1).setTimeoutMs(5000);
        produce.topicData().add(new ProduceRequestData.TopicProduceData().setName("fetched").setPartitionData(
                List.of(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(
                        MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(new byte[100]))))));
        try (Socket writer = connect(); Socket busy = connect(); Socket other = connect()) {
            roundTrip(writer, "writer", 1, ApiKeys.PRODUCE, (short) 9, produce);
            FetchResponseData free = (FetchResponseData) roundTrip(other, "not-busy", 1, ApiKeys.FETCH, (short) 12,
                    fetchFromStart("fetched"));
            assertThat(free.throttleTimeMs()).isZero();
            assertThat(free.responses().get(0).partitions().get(0).records().sizeInBytes()).isPositive();

            FetchResponseData throttled = (FetchResponseData) roundTrip(busy, "busy", 1, ApiKeys.FETCH, (short) 12,
                    fetchFromStart("fetched"));
            assertThat(throttled.throttleTimeMs()).isBetween(1, 1000);
            assertThat(throttled.responses()).as("throttled: an empty answer, as Kafka's").isEmpty();
        }
    }

    private static FetchRequestData fetchFromStart(String topic) {
        return new FetchRequestData().setReplicaId(-1).setMaxWaitMs(0).setMinBytes(0).setMaxBytes(1 << 20)
                .setSessionId(0).setSessionEpoch(-1).setTopics(List.of(new FetchRequestData.FetchTopic()
                        .setTopic(topic).setPartitions(List.of(new FetchRequestData.FetchPartition().setPartition(0)
                                .setFetchOffset(0).setPartitionMaxBytes(1 << 20)))));
    }

    @Test
    void aProduceWithAcksZeroOverItsQuotaMutesItsConnectionWithoutAResponse() throws Exception {
        // 110,000 bytes against 10,000 B/s over the 10 s minimum window: 10 % over, a throttle of about 1 s.
        ProduceRequestData produce = new ProduceRequestData().setAcks((short) 0).setTimeoutMs(5000);
        produce.topicData().add(new ProduceRequestData.TopicProduceData().setName("t").setPartitionData(List.of(
                new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(MemoryRecords.withRecords(
                        Compression.NONE, new SimpleRecord(new byte[110_000]))))));
        try (Socket s = connect()) {
            long start = System.nanoTime();
            send(s, "silent", 1, ApiKeys.PRODUCE, (short) 9, produce);
            MetadataResponseData next = (MetadataResponseData) roundTrip(s, "silent", 2, ApiKeys.METADATA,
                    (short) 12, new MetadataRequestData().setTopics(null));
            long waitedMs = (System.nanoTime() - start) / 1_000_000;
            assertThat(next.throttleTimeMs()).as("Metadata itself is not over any quota").isZero();
            assertThat(waitedMs).as("the Metadata request was read only after the produce's throttle")
                    .isGreaterThanOrEqualTo(900);
        }
    }

    private static Socket connect() throws IOException {
        Socket s = new Socket("127.0.0.1", broker.port());
        s.setSoTimeout(10_000);
        return s;
    }

    private static void send(Socket s, String clientId, int correlationId, ApiKeys key, short version,
                             ApiMessage body) throws IOException {
        ByteBuffer frame = WireCodec.encodeRequest(key, version, clientId, correlationId, body);
        s.getOutputStream().write(frame.array(), frame.arrayOffset() + frame.position(), frame.remaining());
    }

    private static ApiMessage roundTrip(Socket s, String clientId, int correlationId, ApiKeys key, short version,
                                        ApiMessage body) throws IOException {
        send(s, clientId, correlationId, key, version, body);
        DataInputStream in = new DataInputStream(s.getInputStream());
        byte[] response = new byte[in.readInt()];
        in.readFully(response);
        return WireCodec.decodeResponse(ByteBuffer.wrap(response), key, version, correlationId);
    }
}
