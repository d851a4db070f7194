package io.samsa.broker.storage.connect;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;

/**
 * Writes the next numbers of its sequence, ten per poll, each record carrying the position after it as its source
 * offset; on start it reads the offset the worker stored in its compacted offsets topic and resumes there. Runs
 * on the worker's task thread.
 */
public class CountingSourceTask extends SourceTask {
    private static final Map<String, String> PARTITION = Map.of("sequence", "numbers");
    private static final String NEXT = "next";

    private String topic;
    private long count;
    private long next;

    @Override
    public void start(Map<String, String> props) {
        topic = props.get(CountingSourceConnector.TOPIC);
        count = Long.parseLong(props.get(CountingSourceConnector.COUNT));
        Map<String, Object> stored = context.offsetStorageReader().offset(PARTITION);
        next = stored == null ? 0 : ((Number) stored.get(NEXT)).longValue();
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        Thread.sleep(50); // a slow source: a stop lands mid-sequence
        if (next >= count) {
            return null;
        }
        List<SourceRecord> out = new ArrayList<>();
        for (int i = 0; i < 10 && next < count; i++) {
            out.add(new SourceRecord(PARTITION, Map.of(NEXT, next + 1), topic, 0, Schema.STRING_SCHEMA,
                    Long.toString(next)));
            next++;
        }
        return out;
    }

    @Override
    public void stop() {
    }

    @Override
    public String version() {
        return "1";
    }
}
