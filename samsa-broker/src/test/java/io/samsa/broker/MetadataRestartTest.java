package io.samsa.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.broker.protocol.RawKafkaConnection;
import io.samsa.broker.testing.Clients;
import io.samsa.broker.topic.TopicInfo;
import io.samsa.log.LogConfig;
import io.samsa.log.LogManager;
import io.samsa.metadata.LocalMetadataLog;

/**
 * Topics and producer ids live in the metadata log: they survive a restart, and a data directory laid out by
 * the release before it (a properties file per topic, the producer-id file) is imported on its first start.
 */
class MetadataRestartTest {
    @TempDir
    Path dataDir;

    private SamsaBroker start() throws Exception {
        return SamsaBroker.start(Map.of("listeners", "PLAINTEXT://127.0.0.1:0", "log.dirs", dataDir.toString()));
    }

    private static long initProducerId(SamsaBroker broker) throws Exception {
        try (RawKafkaConnection c = new RawKafkaConnection("127.0.0.1", broker.port(), 10_000)) {
            InitProducerIdResponseData r = (InitProducerIdResponseData) c.send(ApiKeys.INIT_PRODUCER_ID, (short) 4,
                    new InitProducerIdRequestData().setTransactionalId(null).setTransactionTimeoutMs(-1));
            assertThat(r.errorCode()).isZero();
            return r.producerId();
        }
    }

    @Test
    void topicsAndProducerIdsSurviveARestart() throws Exception {
        Uuid keptId;
        long firstProducerId;
        try (SamsaBroker broker = start(); Admin admin = Clients.admin(broker.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic("kept", 3, (short) 1).configs(Map.of("retention.ms", "7777")),
                    new NewTopic("gone", 1, (short) 1))).all().get();
            admin.deleteTopics(List.of("gone")).all().get();
            keptId = broker.topics().get("kept").orElseThrow().id();
            firstProducerId = initProducerId(broker);
            assertThat(initProducerId(broker)).isEqualTo(firstProducerId + 1);
        }
        try (SamsaBroker broker = start()) {
            TopicInfo kept = broker.topics().get("kept").orElseThrow();
            assertThat(kept.id()).isEqualTo(keptId);
            assertThat(kept.partitions()).isEqualTo(3);
            assertThat(kept.configOverrides()).isEqualTo(Map.of("retention.ms", "7777"));
            assertThat(broker.topics().get("gone")).isEmpty();
            // The block handed out before the restart is never reused: the next id starts a new block.
            assertThat(initProducerId(broker)).isGreaterThanOrEqualTo(firstProducerId + 1000);
        }
    }

    @Test
    void aDataDirectoryOfTheReleaseBeforeTheMetadataLogIsImported() throws Exception {
        // The files exactly as the release before the metadata log wrote them.
        Uuid id = Uuid.randomUuid();
        Path metaDir = dataDir.resolve("__samsa_meta");
        Files.createDirectories(metaDir.resolve("topics"));
        Files.writeString(dataDir.resolve("meta.properties"),
                "#Samsa data directory identity\nversion=1\ncluster.id=" + Uuid.randomUuid() + "\nnode.id=0\n");
        Files.writeString(metaDir.resolve("topics/legacy.properties"), "#Mon Dec 01 10:00:00 UTC 2026\n"
                + "name=legacy\ntopic.id=" + id + "\npartitions=2\nconfig.retention.ms=12345\n");
        Files.writeString(metaDir.resolve("producer-id-block"), "3000");
        try (LogManager logs = LogManager.open(dataDir, t -> LogConfig.DEFAULTS, Clock.systemUTC())) {
            logs.createAll("legacy", 0, 2, id.toString(), LogConfig.DEFAULTS);
        }
        assertThat(LocalMetadataLog.exists(metaDir.resolve("metadata"))).isFalse();

        try (SamsaBroker broker = start()) {
            TopicInfo legacy = broker.topics().get("legacy").orElseThrow();
            assertThat(legacy.id()).isEqualTo(id);
            assertThat(legacy.partitions()).isEqualTo(2);
            assertThat(legacy.configOverrides()).isEqualTo(Map.of("retention.ms", "12345"));
            assertThat(dataDir.resolve("legacy-0")).isDirectory(); // adopted, not put aside as stray
            assertThat(initProducerId(broker)).isEqualTo(3000);
            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrapServers(), Map.of())) {
                producer.send(new ProducerRecord<>("legacy", 1, null, "v".getBytes())).get();
            }
        }
        assertThat(LocalMetadataLog.exists(metaDir.resolve("metadata"))).isTrue();
        try (SamsaBroker broker = start()) {
            assertThat(broker.topics().get("legacy").orElseThrow().id()).isEqualTo(id);
            assertThat(Clients.endOffsets(broker.bootstrapServers(), Set.of(new TopicPartition("legacy", 1))))
                    .containsEntry(new TopicPartition("legacy", 1), 1L);
            assertThat(initProducerId(broker)).isGreaterThanOrEqualTo(4000);
        }
    }
}
