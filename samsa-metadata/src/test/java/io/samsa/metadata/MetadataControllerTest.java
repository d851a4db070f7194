package io.samsa.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The controller refuses with Kafka's error codes before writing, and publishers see writes in order. */
class MetadataControllerTest {
    @TempDir
    Path dir;

    private static Errors errorOf(CompletionStage<?> stage) {
        try {
            stage.toCompletableFuture().join();
        } catch (CompletionException e) {
            return Errors.forException(e.getCause());
        }
        throw new AssertionError("expected a failure");
    }

    @Test
    void validationErrorsCarryKafkasCodes() throws Exception {
        try (MetadataTestSupport m = new MetadataTestSupport(dir, LocalMetadataLog.DEFAULT_SNAPSHOT_BYTES, 100)) {
            m.create("t", 60, Map.of());
            long logSize = Files.size(dir.resolve(LocalMetadataLog.LOG_FILE));
            MetadataController c = m.controller;
            assertThat(errorOf(c.createTopic("t", 1, Map.of()))).isEqualTo(Errors.TOPIC_ALREADY_EXISTS);
            assertThat(errorOf(c.createTopic("bad/name", 1, Map.of()))).isEqualTo(Errors.INVALID_TOPIC_EXCEPTION);
            assertThat(errorOf(c.createTopic("__consumer_offsets", 1, Map.of()))).isEqualTo(Errors.INVALID_REQUEST);
            assertThat(errorOf(c.createTopic("u", 0, Map.of()))).isEqualTo(Errors.INVALID_PARTITIONS);
            assertThat(errorOf(c.createTopic("u", 41, Map.of()))).isEqualTo(Errors.POLICY_VIOLATION);
            assertThat(errorOf(c.createTopic("u", 1, Map.of("min.insync.replicas", "0"))))
                    .isEqualTo(Errors.INVALID_CONFIG);
            assertThat(errorOf(c.createPartitions("t", 101, false))).isEqualTo(Errors.POLICY_VIOLATION);
            assertThat(errorOf(c.createPartitions("t", 60, false))).isEqualTo(Errors.INVALID_PARTITIONS);
            assertThat(errorOf(c.createPartitions("none", 2, false))).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
            assertThat(errorOf(c.deleteTopic("none"))).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
            assertThat(c.createPartitions("t", 70, true).toCompletableFuture().join().partitions()).isEqualTo(60);
            assertThat(Files.size(dir.resolve(LocalMetadataLog.LOG_FILE))).isEqualTo(logSize); // nothing written
            assertThatThrownBy(() -> c.validateCreateTopic("u", 20_001, Map.of()))
                    .isInstanceOf(ApiException.class).hasMessageContaining("per request");
        }
    }

    @Test
    void unchangedPartsOfTheImageAreShared() throws Exception {
        try (MetadataTestSupport m = new MetadataTestSupport(dir)) {
            m.create("a", 2, Map.of());
            MetadataImage first = m.state.image();
            m.create("b", 1, Map.of());
            MetadataImage second = m.state.image();
            assertThat(second.topics().get("a")).isSameAs(first.topics().get("a"));
            assertThat(second.configs()).isSameAs(first.configs());
            assertThat(second.brokers()).isSameAs(first.brokers());

            m.controller.allocateProducerIds(1).toCompletableFuture().join();
            MetadataImage third = m.state.image();
            assertThat(third.topics()).isSameAs(second.topics());
            assertThat(third.nextProducerId()).isEqualTo(1000);

            m.controller.write(List.of(ConfigRecord.topic("b", "retention.ms", "5"))).toCompletableFuture().join();
            MetadataImage fourth = m.state.image();
            assertThat(fourth.topics()).isSameAs(third.topics());
            assertThat(fourth.configs().topic("b")).isEqualTo(Map.of("retention.ms", "5"));

            m.controller.deleteTopic("b").toCompletableFuture().join();
            assertThat(m.state.image().configs().topic("b")).isEmpty(); // overrides go with the topic
            assertThat(m.state.image().topics().get("a")).isSameAs(first.topics().get("a"));
        }
    }

    @Test
    void publishersPrepareBeforeTheCommitAndSeeTheDeltaBeforeTheImageIsVisible() throws Exception {
        try (MetadataTestSupport m = new MetadataTestSupport(dir)) {
            List<String> events = new ArrayList<>();
            m.state.register(new MetadataPublisher() {
                @Override
                public void prepare(MetadataDelta delta, MetadataImage newImage) throws IOException {
                    for (var id : delta.createdTopicIds()) {
                        String name = newImage.topics().get(id).name();
                        if (name.equals("vetoed")) {
                            throw new IOException("no room for " + name);
                        }
                        events.add("prepare " + name);
                    }
                }

                @Override
                public void abort(MetadataDelta delta) {
                    events.add("abort " + delta.createdTopicIds().size());
                }

                @Override
                public void onMetadataUpdate(MetadataDelta delta, MetadataImage newImage) {
                    // The new image is not visible yet while publishers run.
                    events.add("update " + newImage.topics().byName().keySet() + " visible "
                            + m.state.image().topics().byName().keySet());
                }
            });
            m.create("x", 1, Map.of());
            assertThatThrownBy(() -> m.create("vetoed", 1, Map.of()))
                    .hasRootCauseInstanceOf(IOException.class);
            assertThat(m.state.image().topics().get("vetoed")).isNull();
            assertThat(events).containsExactly("prepare x", "update [x] visible []", "abort 1");
        }
        try (MetadataTestSupport m = new MetadataTestSupport(dir)) {
            assertThat(m.state.image().topics().byName().keySet()).containsExactly("x");
        }
    }

    @Test
    void producerIdBlocksNeverOverlap() throws Exception {
        try (MetadataTestSupport m = new MetadataTestSupport(dir)) {
            ProducerIdsRecord a = m.controller.allocateProducerIds(1).toCompletableFuture().join().block();
            ProducerIdsRecord b = m.controller.allocateProducerIds(1).toCompletableFuture().join().block();
            assertThat(b.firstProducerId()).isEqualTo(a.nextBlockStart());
        }
        try (MetadataTestSupport m = new MetadataTestSupport(dir)) {
            assertThat(m.controller.allocateProducerIds(1).toCompletableFuture().join().block().firstProducerId())
                    .isEqualTo(2000);
        }
    }
}
