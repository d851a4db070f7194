package io.samsa.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.metadata.ControllerApi.AlterTopicConfigs;
import io.samsa.metadata.ControllerApi.ConfigChange;

/**
 * The controller's topic-config changes: Kafka's IncrementalAlterConfigs and AlterConfigs semantics, its errors
 * before anything is written, only changed keys recorded, and the result durable across a restart.
 */
class MetadataControllerConfigsTest {
    /** Refuses a non-numeric retention.ms the way the broker's LogConfig does; knows cleanup.policy's default. */
    private static final TopicConfigValidator VALIDATOR = new TopicConfigValidator() {
        @Override
        public void validate(Map<String, String> configs) {
            String retention = configs.get("retention.ms");
            if (retention != null && !retention.matches("-?\\d+")) {
                throw new ConfigException("retention.ms", retention, "Expected value to be a 64-bit integer (long)");
            }
        }

        @Override
        public String defaultValue(String name) {
            return name.equals("cleanup.policy") ? "delete" : null;
        }
    };

    @TempDir
    Path dir;

    private final List<MetadataDelta> deltas = new ArrayList<>();

    private MetadataController open(MetadataStateMachine state, LocalMetadataLog log) throws IOException {
        log.start(state);
        state.finishReplay();
        state.register(new MetadataPublisher() {
            @Override
            public void onMetadataUpdate(MetadataDelta delta, MetadataImage newImage) {
                deltas.add(delta);
            }
        });
        return new MetadataController(state, log, new MetadataController.Settings(1, 1000, 1000, VALIDATOR));
    }

    private static ConfigChange change(String key, byte op, String value) {
        return new ConfigChange(key, op, value);
    }

    private static AlterTopicConfigs incremental(String topic, ConfigChange... changes) {
        return new AlterTopicConfigs(topic, List.of(changes), false, false);
    }

    private static <T> T join(CompletionStage<T> stage) {
        return stage.toCompletableFuture().join();
    }

    private static Errors errorOf(CompletionStage<?> stage) {
        try {
            stage.toCompletableFuture().join();
            return Errors.NONE;
        } catch (CompletionException e) {
            return Errors.forException(e.getCause());
        }
    }

    @Test
    void incrementalChangesApplyToTheCurrentOverridesAndOnlyChangedKeysAreWritten() throws Exception {
        MetadataStateMachine state = new MetadataStateMachine();
        try (LocalMetadataLog log = new LocalMetadataLog(dir, MetadataTestSupport.WRITER,
                LocalMetadataLog.DEFAULT_SNAPSHOT_BYTES)) {
            MetadataController c = open(state, log);
            join(c.createTopic("t", 1, Map.of("retention.ms", "1000", "segment.ms", "5000")));
            deltas.clear();

            long offset = join(c.alterTopicConfigs(incremental("t",
                    change("retention.ms", ConfigChange.SET, "2000"),
                    change("segment.ms", ConfigChange.DELETE, null),
                    change("cleanup.policy", ConfigChange.APPEND, "compact"))));
            assertThat(offset).isEqualTo(state.image().offset());
            assertThat(state.image().configs().topic("t"))
                    .isEqualTo(Map.of("retention.ms", "2000", "cleanup.policy", "delete,compact"));
            assertThat(deltas).hasSize(1);
            assertThat(deltas.get(0).changedConfigs())
                    .containsExactly(new ConfigResource(ConfigResource.Type.TOPIC, "t"));

            join(c.alterTopicConfigs(incremental("t", change("cleanup.policy", ConfigChange.SUBTRACT, "delete"),
                    change("cleanup.policy2", ConfigChange.DELETE, null))));
            assertThat(state.image().configs().topic("t")).containsEntry("cleanup.policy", "compact");

            // The same value again changes nothing: no write at all.
            long before = state.image().offset();
            assertThat(join(c.alterTopicConfigs(incremental("t", change("retention.ms", ConfigChange.SET, "2000")))))
                    .isEqualTo(before);
            assertThat(state.image().offset()).isEqualTo(before);

            // Legacy AlterConfigs: the given keys become the whole set.
            join(c.alterTopicConfigs(new AlterTopicConfigs("t",
                    List.of(change("max.message.bytes", ConfigChange.SET, "100")), true, false)));
            assertThat(state.image().configs().topic("t")).isEqualTo(Map.of("max.message.bytes", "100"));
        }
        MetadataStateMachine reopened = new MetadataStateMachine();
        try (LocalMetadataLog log = new LocalMetadataLog(dir, MetadataTestSupport.WRITER,
                LocalMetadataLog.DEFAULT_SNAPSHOT_BYTES)) {
            open(reopened, log);
            assertThat(reopened.image().configs().topic("t")).isEqualTo(Map.of("max.message.bytes", "100"));
        }
    }

    @Test
    void invalidChangesFailWithKafkasCodesAndWriteNothing() throws Exception {
        MetadataStateMachine state = new MetadataStateMachine();
        try (LocalMetadataLog log = new LocalMetadataLog(dir, MetadataTestSupport.WRITER,
                LocalMetadataLog.DEFAULT_SNAPSHOT_BYTES)) {
            MetadataController c = open(state, log);
            join(c.createTopic("t", 1, Map.of("retention.ms", "1000")));
            long logSize = Files.size(dir.resolve(LocalMetadataLog.LOG_FILE));

            assertThat(errorOf(c.alterTopicConfigs(incremental("none", change("retention.ms", ConfigChange.SET,
                    "1"))))).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
            assertThat(errorOf(c.alterTopicConfigs(incremental("", change("retention.ms", ConfigChange.SET, "1")))))
                    .isEqualTo(Errors.INVALID_REQUEST);
            assertThat(errorOf(c.alterTopicConfigs(incremental("t", change("retention.ms", ConfigChange.SET,
                    "soon"))))).isEqualTo(Errors.INVALID_CONFIG); // the validator's ConfigException
            assertThat(errorOf(c.alterTopicConfigs(incremental("t", change("retention.ms", ConfigChange.SET,
                    null))))).isEqualTo(Errors.INVALID_CONFIG);
            assertThat(errorOf(c.alterTopicConfigs(incremental("t", change("retention.ms", ConfigChange.APPEND,
                    "1"))))).isEqualTo(Errors.INVALID_CONFIG);
            assertThat(errorOf(c.alterTopicConfigs(incremental("t", change("retention.ms", ConfigChange.SET, "1"),
                    change("retention.ms", ConfigChange.DELETE, null))))).isEqualTo(Errors.INVALID_REQUEST);
            assertThat(errorOf(c.alterTopicConfigs(incremental("t", change("retention.ms", (byte) 7, "1")))))
                    .isEqualTo(Errors.INVALID_REQUEST);
            assertThat(join(c.alterTopicConfigs(new AlterTopicConfigs("t",
                    List.of(change("retention.ms", ConfigChange.SET, "5")), false, true)))).isEqualTo(-1L);

            assertThat(state.image().configs().topic("t")).isEqualTo(Map.of("retention.ms", "1000"));
            assertThat(Files.size(dir.resolve(LocalMetadataLog.LOG_FILE))).isEqualTo(logSize);
        }
    }
}
