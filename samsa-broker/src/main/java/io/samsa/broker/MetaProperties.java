package io.samsa.broker;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import org.apache.kafka.common.Uuid;

import io.samsa.log.LogFiles;

/**
 * The data directory's identity, in Kafka's {@code meta.properties} format: the cluster id (made once, on
 * first start) and the node id, which must not change while the data is kept.
 */
record MetaProperties(String clusterId, int nodeId) {

    static MetaProperties loadOrCreate(Path dataDir, int nodeId) throws IOException {
        Path file = dataDir.resolve("meta.properties");
        if (Files.exists(file)) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(file)) {
                p.load(r);
            }
            int stored = Integer.parseInt(p.getProperty("node.id", Integer.toString(nodeId)));
            if (stored != nodeId) {
                throw new IOException("Data directory " + dataDir + " belongs to node " + stored
                        + " but node.id is " + nodeId);
            }
            return new MetaProperties(p.getProperty("cluster.id"), stored);
        }
        MetaProperties meta = new MetaProperties(Uuid.randomUuid().toString(), nodeId);
        Properties p = new Properties();
        p.setProperty("version", "1");
        p.setProperty("cluster.id", meta.clusterId());
        p.setProperty("node.id", Integer.toString(nodeId));
        StringWriter w = new StringWriter();
        p.store(w, "Samsa data directory identity");
        LogFiles.writeAtomically(file, w.toString().getBytes(StandardCharsets.UTF_8));
        return meta;
    }
}
