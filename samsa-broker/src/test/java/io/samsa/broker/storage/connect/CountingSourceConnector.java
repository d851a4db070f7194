package io.samsa.broker.storage.connect;

import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.SourceConnector;

/**
 * A source connector for tests, loaded by a real Kafka Connect worker: one task writes the numbers 0 to
 * {@code count - 1} to {@code topic}, each with its position as the source offset, so a restarted worker that
 * resumes from the stored offset writes every number exactly once (see {@link CountingSourceTask}).
 */
public class CountingSourceConnector extends SourceConnector {
    static final String TOPIC = "topic";
    static final String COUNT = "count";

    private Map<String, String> props;

    @Override
    public void start(Map<String, String> props) {
        this.props = Map.copyOf(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return CountingSourceTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        return List.of(props); // one sequence, one task
    }

    @Override
    public void stop() {
    }

    @Override
    public ConfigDef config() {
        return new ConfigDef()
                .define(TOPIC, ConfigDef.Type.STRING, ConfigDef.Importance.HIGH, "Topic the numbers go to.")
                .define(COUNT, ConfigDef.Type.LONG, ConfigDef.Importance.HIGH, "How many numbers to write.");
    }

    @Override
    public String version() {
        return "1";
    }
}
