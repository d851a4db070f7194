package io.samsa.broker.topic;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.apache.kafka.common.Uuid;

import io.samsa.metadata.ConfigRecord;
import io.samsa.metadata.MetadataRecord;
import io.samsa.metadata.PartitionRecord;
import io.samsa.metadata.ProducerIdsRecord;
import io.samsa.metadata.TopicRecord;

/**
 * Reads the metadata files of releases before the metadata log, as records: {@code topics/<name>.properties}
 * ({@code name}, {@code topic.id}, {@code partitions}, {@code config.*}) and {@code producer-id-block} (the end
 * of the last block handed out, in ASCII). {@code meta.properties} (cluster id, node id) is not metadata of
 * the cluster but of the directory and stays where it is, as in Kafka.
 */
final class LegacyMetadataImport {
    static final String TOPICS_DIR = "topics";
    static final String PRODUCER_ID_FILE = "producer-id-block";

    private LegacyMetadataImport() {
    }

    static List<MetadataRecord> read(Path metaDir, int nodeId) throws IOException {
        List<MetadataRecord> records = new ArrayList<>();
        Path topicsDir = metaDir.resolve(TOPICS_DIR);
        if (Files.isDirectory(topicsDir)) {
            try (Stream<Path> files = Files.list(topicsDir)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".properties")).sorted().toList()) {
                    readTopic(file, nodeId, records);
                }
            }
        }
        Path producerIds = metaDir.resolve(PRODUCER_ID_FILE);
        if (Files.exists(producerIds)) {
            long end = Long.parseLong(Files.readString(producerIds).trim());
            if (end > 0) {
                // Every id below the persisted end may have been handed out: the high mark becomes that end.
                records.add(new ProducerIdsRecord(nodeId, end - 1, 1));
            }
        }
        return records;
    }

    private static void readTopic(Path file, int nodeId, List<MetadataRecord> records) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        try {
            String name = p.getProperty("name");
            Uuid id = Uuid.fromString(p.getProperty("topic.id"));
            int partitions = Integer.parseInt(p.getProperty("partitions"));
            records.add(new TopicRecord(name, id));
            for (int i = 0; i < partitions; i++) {
                records.add(PartitionRecord.singleNode(id, i, nodeId));
            }
            Map<String, String> configs = new TreeMap<>();
            for (String k : p.stringPropertyNames()) {
                if (k.startsWith("config.")) {
                    configs.put(k.substring("config.".length()), p.getProperty(k));
                }
            }
            configs.forEach((k, v) -> records.add(ConfigRecord.topic(name, k, v)));
        } catch (RuntimeException e) {
            throw new UncheckedIOException(new IOException("Corrupt topic file " + file + ": " + e.getMessage(), e));
        }
    }
}
