package io.samsa.log;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka's offset checkpoint text format ({@code recovery-point-offset-checkpoint},
 * {@code log-start-offset-checkpoint}): a version line ({@code 0}), a count line, then one
 * {@code topic partition offset} line per partition. Written to a temp file, fsynced and renamed atomically.
 * Not thread-safe on its own: {@link LogCheckpoints} serialises its writes.
 */
final class OffsetCheckpointFile {

    private static final Logger LOG = LoggerFactory.getLogger(OffsetCheckpointFile.class);
    private static final int VERSION = 0;

    private final Path file;

    OffsetCheckpointFile(Path file) {
        this.file = file;
    }

    /** Keys are "topic-partition" directory names. */
    void write(Map<String, Long> offsets) throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append(VERSION).append('\n').append(offsets.size()).append('\n');
        for (Map.Entry<String, Long> e : offsets.entrySet()) {
            String key = e.getKey();
            int dash = key.lastIndexOf('-');
            sb.append(key, 0, dash).append(' ').append(key.substring(dash + 1)).append(' ').append(e.getValue())
                    .append('\n');
        }
        LogFiles.writeAtomically(file, sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** The checkpointed offsets, or an empty map when the file is absent or malformed (logged). */
    Map<String, Long> read() {
        Map<String, Long> out = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return out;
        }
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            if (lines.size() < 2 || Integer.parseInt(lines.get(0).trim()) != VERSION) {
                throw new IOException("unrecognised version or header");
            }
            int count = Integer.parseInt(lines.get(1).trim());
            if (lines.size() < 2 + count) {
                throw new IOException("expected " + count + " entries, found " + (lines.size() - 2));
            }
            for (int i = 0; i < count; i++) {
                String[] parts = lines.get(2 + i).trim().split(" ");
                if (parts.length != 3) {
                    throw new IOException("malformed line: " + lines.get(2 + i));
                }
                out.put(parts[0] + "-" + Integer.parseInt(parts[1]), Long.parseLong(parts[2]));
            }
            return out;
        } catch (IOException | RuntimeException e) {
            LOG.warn("Ignoring unreadable checkpoint file {}: {}", file, e.toString());
            return new LinkedHashMap<>();
        }
    }
}
