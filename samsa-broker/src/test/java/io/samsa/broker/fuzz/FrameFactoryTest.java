package io.samsa.broker.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.junit.jupiter.api.Test;

/** The fuzzer's own parts, without a broker: what it sends is what it says it sends. */
class FrameFactoryTest {
    /** The APIs Samsa serves (ApiVersionMatrixTest has a case for each); others may fail kafka-clients' checks. */
    private static final List<ApiKeys> SERVED = List.of(ApiKeys.API_VERSIONS, ApiKeys.METADATA, ApiKeys.PRODUCE,
            ApiKeys.FETCH, ApiKeys.LIST_OFFSETS, ApiKeys.CREATE_TOPICS, ApiKeys.DELETE_TOPICS,
            ApiKeys.INIT_PRODUCER_ID, ApiKeys.DESCRIBE_CONFIGS, ApiKeys.CREATE_PARTITIONS, ApiKeys.DESCRIBE_CLUSTER,
            ApiKeys.FIND_COORDINATOR, ApiKeys.JOIN_GROUP, ApiKeys.SYNC_GROUP, ApiKeys.HEARTBEAT, ApiKeys.LEAVE_GROUP,
            ApiKeys.OFFSET_COMMIT, ApiKeys.OFFSET_FETCH, ApiKeys.LIST_GROUPS, ApiKeys.DESCRIBE_GROUPS,
            ApiKeys.DELETE_GROUPS, ApiKeys.OFFSET_DELETE, ApiKeys.ALTER_CONFIGS, ApiKeys.INCREMENTAL_ALTER_CONFIGS);

    private final KnownDataGuard guard = new KnownDataGuard(List.of(KnownData.NAME_PREFIX + "-topic-0"),
            List.of(Uuid.randomUuid()), List.of(KnownData.NAME_PREFIX + "-group-0"));

    @Test
    void validFramesDecodeAsTheirKeyAndVersionWithFieldsSetAndNoneThreatensKnownData() {
        FrameFactory factory = new FrameFactory(new Random(1), guard);
        for (ApiKeys key : SERVED) {
            for (short v = key.oldestVersion(); v <= key.latestVersion(); v++) {
                int withFields = 0;
                for (int i = 0; i < 20; i++) { // a lone boolean field is set to true in ~40% of builds
                    FuzzFrame frame = factory.valid(key, v);
                    ApiMessage body = FrameFactory.decode(frame);
                    assertThat(body).as(frame.toString()).isNotNull();
                    assertThat(body.apiKey()).isEqualTo(key.id);
                    assertThat(guard.threatens(key, body)).as(frame.toString()).isFalse();
                    if (!body.equals(key.messageType.newRequest())) {
                        withFields++;
                    }
                }
                boolean hasFields = key.messageType.requestSchemas()[v].numFields()
                        > (key.messageType.requestHeaderVersion(v) >= 2 ? 1 : 0); // flexible: + tagged fields
                if (hasFields) {
                    assertThat(withFields).as(key + " v" + v + " never got a field set").isPositive();
                }
            }
        }
    }

    @Test
    void mutationsChangeTheFrameAndStringLengthsAreFound() {
        FrameFactory factory = new FrameFactory(new Random(2), guard);
        FuzzFrame valid = factory.valid(ApiKeys.METADATA, (short) 9);
        int stringLengths = 0;
        for (int i = 0; i < 500; i++) {
            FuzzFrame mutated = factory.mutated(valid);
            assertThat(mutated.origin()).contains(valid.origin());
            if (mutated.origin().contains("string length")) {
                stringLengths++;
            }
        }
        assertThat(stringLengths).isPositive();
    }

    @Test
    void batchMutationsDecodeAsProduceWithAValidCrc() {
        FrameFactory factory = new FrameFactory(new Random(3), guard);
        RecordBatchMutator mutator = new RecordBatchMutator(new Random(4), guard);
        java.util.Set<String> kinds = new java.util.TreeSet<>();
        int mutated = 0;
        for (int i = 0; i < 400; i++) {
            FuzzFrame valid = factory.valid(ApiKeys.PRODUCE, (short) (3 + i % 9));
            FuzzFrame frame = mutator.mutate(valid);
            if (frame == null) {
                continue; // no batch in this one
            }
            mutated++;
            // "... CRC (record count 1->0) valid PRODUCE v3" -> "record count"
            kinds.add(frame.origin().substring(frame.origin().indexOf('(') + 1).replaceAll(" ?[-^\\d].*", ""));
            assertThat(FrameFactory.decode(frame)).as(frame.toString())
                    .isInstanceOf(org.apache.kafka.common.message.ProduceRequestData.class);
            if (!frame.origin().contains("stale")) {
                org.apache.kafka.common.message.ProduceRequestData p =
                        (org.apache.kafka.common.message.ProduceRequestData) FrameFactory.decode(frame);
                boolean someCrcValid = p.topicData().stream().flatMap(t -> t.partitionData().stream())
                        .anyMatch(d -> d.records() != null
                                && crcValid(((org.apache.kafka.common.record.internal.MemoryRecords) d.records()).buffer()));
                assertThat(someCrcValid).as(frame.toString()).isTrue();
            }
        }
        assertThat(mutated).isGreaterThan(200);
        System.out.println("FrameFactoryTest: batch mutation kinds " + kinds);
        assertThat(kinds.size()).as(kinds.toString()).isGreaterThanOrEqualTo(8);
    }

    /** The stored CRC-32C of the first batch matches its attributes..end bytes. */
    private static boolean crcValid(java.nio.ByteBuffer records) {
        if (records.remaining() < 61) {
            return false;
        }
        java.nio.ByteBuffer b = records.duplicate();
        int start = b.position();
        int end = Math.min(b.limit(), start + 12 + b.getInt(start + 8));
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        java.nio.ByteBuffer region = b.duplicate();
        region.position(start + 21).limit(end);
        crc.update(region);
        return (int) crc.getValue() == b.getInt(start + 17);
    }
}
