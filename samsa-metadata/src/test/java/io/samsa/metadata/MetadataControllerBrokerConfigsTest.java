package io.samsa.metadata;

import static io.samsa.metadata.ClusterTestSupport.errorOf;
import static io.samsa.metadata.ClusterTestSupport.join;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.metadata.ControllerApi.AlterBrokerConfigs;
import io.samsa.metadata.ControllerApi.ConfigChange;

/**
 * The controller's dynamic broker configs (KIP-226): ConfigRecord(BROKER, "" or id, ...) written with the topic
 * configs' semantics, refused with Kafka's codes before anything is written, kept in the image, in a snapshot and
 * across a restart, and the same over the controller channel (RemoteController ↔ ControllerRequestServer).
 */
class MetadataControllerBrokerConfigsTest {
    /** log.retention.ms must be a long; log.cleanup.policy a list (default "delete"); nothing else is dynamic. */
    private static final BrokerConfigValidator RULES = new BrokerConfigValidator() {
        @Override
        public void validate(String broker, Map<String, String> configs) {
            for (String key : configs.keySet()) {
                if (!key.equals("log.retention.ms") && !key.equals("log.cleanup.policy")) {
                    throw new InvalidRequestException("Cannot update these configs dynamically: Set(" + key + ")");
                }
            }
            String retention = configs.get("log.retention.ms");
            if (retention != null && !retention.matches("-?\\d+")) {
                throw new ConfigException("log.retention.ms", retention, "Not a number of type LONG");
            }
        }

        @Override
        public String defaultValue(String name) {
            return name.equals("log.cleanup.policy") ? "delete" : null;
        }
    };

    @TempDir
    Path dir;

    private final List<MetadataDelta> deltas = new ArrayList<>();

    /** A single node's controller; {@code snapshotBytes} 1 snapshots after every write. */
    private MetadataController open(MetadataStateMachine state, LocalMetadataLog log) throws IOException {
        log.start(state);
        state.finishReplay();
        state.register(new MetadataPublisher() {
            @Override
            public void onMetadataUpdate(MetadataDelta delta, MetadataImage newImage) {
                deltas.add(delta);
            }
        });
        return new MetadataController(state, log, new MetadataController.Settings(1, 1000, 1000, c -> { })
                .withBrokerConfigs(RULES));
    }

    private static AlterBrokerConfigs alter(String broker, ConfigChange... changes) {
        return new AlterBrokerConfigs(broker, List.of(changes), false, false);
    }

    private static ConfigChange set(String key, String value) {
        return new ConfigChange(key, ConfigChange.SET, value);
    }

    @Test
    void defaultAndPerBrokerConfigsAreWrittenKeptInTheSnapshotAndSurviveARestart() throws Exception {
        MetadataStateMachine state = new MetadataStateMachine();
        try (LocalMetadataLog log = new LocalMetadataLog(dir, MetadataTestSupport.WRITER, 1)) {
            MetadataController c = open(state, log);
            long offset = join(c.alterBrokerConfigs(alter("", set("log.retention.ms", "12345"),
                    new ConfigChange("log.cleanup.policy", ConfigChange.APPEND, "compact"))));
            assertThat(offset).isEqualTo(state.image().offset());
            assertThat(state.image().configs().broker(""))
                    .isEqualTo(Map.of("log.retention.ms", "12345", "log.cleanup.policy", "delete,compact"));
            assertThat(deltas.get(deltas.size() - 1).changedConfigs())
                    .containsExactly(new ConfigResource(ConfigResource.Type.BROKER, ""));

            join(c.alterBrokerConfigs(alter("1", set("log.retention.ms", "777"))));
            assertThat(state.image().configs().broker("1")).isEqualTo(Map.of("log.retention.ms", "777"));
            assertThat(state.image().configs().broker("")).containsEntry("log.retention.ms", "12345");

            // Legacy AlterConfigs replaces the default's whole set; a DELETE removes the broker's only key.
            join(c.alterBrokerConfigs(new AlterBrokerConfigs("", List.of(set("log.retention.ms", "999")), true,
                    false)));
            assertThat(state.image().configs().broker("")).isEqualTo(Map.of("log.retention.ms", "999"));
            join(c.alterBrokerConfigs(alter("1", new ConfigChange("log.retention.ms", ConfigChange.DELETE, null))));
            assertThat(state.image().configs().broker("1")).isEmpty();
            join(c.alterBrokerConfigs(alter("2", set("log.retention.ms", "5"))));
            assertThat(Files.exists(dir.resolve(LocalMetadataLog.SNAPSHOT_FILE))).isTrue();
        }
        MetadataStateMachine reopened = new MetadataStateMachine();
        try (LocalMetadataLog log = new LocalMetadataLog(dir, MetadataTestSupport.WRITER, 1)) {
            open(reopened, log);
            assertThat(reopened.image().configs().broker("")).isEqualTo(Map.of("log.retention.ms", "999"));
            assertThat(reopened.image().configs().broker("1")).isEmpty();
            assertThat(reopened.image().configs().broker("2")).isEqualTo(Map.of("log.retention.ms", "5"));
        }
        // The snapshot itself holds them: an image rebuilt from its records has the same broker configs.
        MetadataImage image = reopened.image();
        assertThat(image.toRecords()).contains(ConfigRecord.broker("", "log.retention.ms", "999"),
                ConfigRecord.broker("2", "log.retention.ms", "5"));
    }

    @Test
    void invalidChangesFailWithKafkasCodesAndValidateOnlyWritesNothing() throws Exception {
        MetadataStateMachine state = new MetadataStateMachine();
        try (LocalMetadataLog log = new LocalMetadataLog(dir, MetadataTestSupport.WRITER,
                LocalMetadataLog.DEFAULT_SNAPSHOT_BYTES)) {
            MetadataController c = open(state, log);
            join(c.alterBrokerConfigs(alter("", set("log.retention.ms", "100"))));
            long logSize = Files.size(dir.resolve(LocalMetadataLog.LOG_FILE));
            long offset = state.image().offset();

            assertThat(errorOf(c.alterBrokerConfigs(alter("", set("log.retention.ms", "soon")))))
                    .isEqualTo(Errors.INVALID_CONFIG);
            assertThat(errorOf(c.alterBrokerConfigs(alter("", set("broker.id", "3")))))
                    .isEqualTo(Errors.INVALID_REQUEST);
            assertThat(errorOf(c.alterBrokerConfigs(alter("b1", set("log.retention.ms", "1")))))
                    .isEqualTo(Errors.INVALID_REQUEST);
            assertThat(errorOf(c.alterBrokerConfigs(alter("", new ConfigChange("log.retention.ms",
                    ConfigChange.APPEND, "1"))))).isEqualTo(Errors.INVALID_CONFIG);
            assertThat(join(c.alterBrokerConfigs(new AlterBrokerConfigs("", List.of(set("log.retention.ms", "5")),
                    false, true)))).isEqualTo(-1L);
            // The same value again: no write.
            assertThat(join(c.alterBrokerConfigs(alter("", set("log.retention.ms", "100"))))).isEqualTo(offset);

            assertThat(state.image().configs().broker("")).isEqualTo(Map.of("log.retention.ms", "100"));
            assertThat(state.image().offset()).isEqualTo(offset);
            assertThat(Files.size(dir.resolve(LocalMetadataLog.LOG_FILE))).isEqualTo(logSize);
        }
    }

    @Test
    void aControllerWithoutBrokerRulesRefusesEveryKey() throws Exception {
        try (MetadataTestSupport s = new MetadataTestSupport(dir)) {
            assertThat(errorOf(s.controller.alterBrokerConfigs(alter("", set("log.retention.ms", "1")))))
                    .isEqualTo(Errors.INVALID_REQUEST);
            assertThat(s.state.image().configs().broker("")).isEmpty();
        }
    }

    @Test
    void brokerConfigChangesRoundTripOverTheControllerChannel() throws Exception {
        MetadataStateMachine state = new MetadataStateMachine();
        try (LocalMetadataLog log = new LocalMetadataLog(dir, MetadataTestSupport.WRITER,
                LocalMetadataLog.DEFAULT_SNAPSHOT_BYTES)) {
            MetadataController c = open(state, log);
            ControllerEventLoop loop = new ControllerEventLoop(c, () -> 0L, 0, 0);
            loop.onBecomeActive();
            try {
                RemoteController remote = new RemoteController(new ControllerRequestServer(loop)::handle,
                        state::image, 3, 1);
                long offset = join(remote.alterBrokerConfigs(alter("", set("log.retention.ms", "42"))));
                assertThat(offset).isEqualTo(state.image().offset());
                assertThat(state.image().configs().broker("")).isEqualTo(Map.of("log.retention.ms", "42"));

                assertThat(join(remote.alterBrokerConfigs(new AlterBrokerConfigs("3",
                        List.of(set("log.retention.ms", "7")), true, true)))).isEqualTo(-1L);
                join(remote.alterBrokerConfigs(new AlterBrokerConfigs("3", List.of(set("log.retention.ms", "7")),
                        true, false)));
                assertThat(state.image().configs().broker("3")).isEqualTo(Map.of("log.retention.ms", "7"));
                // Still a topic call when the resource is a topic: the type travels with the message.
                assertThat(state.image().configs().topic("3")).isEmpty();

                assertThat(errorOf(remote.alterBrokerConfigs(alter("", set("log.retention.ms", "x")))))
                        .isEqualTo(Errors.INVALID_CONFIG);
                assertThat(errorOf(remote.alterBrokerConfigs(alter("", set("listeners", "PLAINTEXT://:1")))))
                        .isEqualTo(Errors.INVALID_REQUEST);
                assertThat(state.image().configs().broker("")).isEqualTo(Map.of("log.retention.ms", "42"));
            } finally {
                loop.onResign();
            }
        }
    }
}
