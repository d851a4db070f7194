package io.samsa.broker.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Looks at a stopped or running broker's data directory from outside: partition dirs, segments, checkpoints. */
final class PartitionFiles {

    private PartitionFiles() {
    }

    /** The directory of {@code topic}-{@code partition} (a name starting with it, whatever suffix follows). */
    static Path partitionDir(Path dataDir, String topic, int partition) throws IOException {
        String prefix = topic + "-" + partition;
        try (Stream<Path> s = Files.list(dataDir)) {
            List<Path> dirs = s.filter(Files::isDirectory)
                    .filter(p -> {
                        String n = p.getFileName().toString();
                        return n.equals(prefix) || n.startsWith(prefix + ".") && !n.endsWith("-delete");
                    })
                    .toList();
            if (dirs.size() != 1) {
                throw new AssertionError("expected one directory for " + prefix + " in " + dataDir + ": " + dirs);
            }
            return dirs.get(0);
        }
    }

    /** Files of the directory with the given suffix, sorted by name (= by base offset). */
    static List<Path> files(Path dir, String suffix) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Kafka's checkpoint format ({@code recovery-point-offset-checkpoint}): version line, count line, then
     * "topic partition offset" lines. Returns "topic-partition" → offset; empty when the file is absent.
     */
    static Map<String, Long> readCheckpoint(Path file) {
        Map<String, Long> out = new TreeMap<>();
        try {
            if (!Files.exists(file)) {
                return out;
            }
            List<String> lines = Files.readAllLines(file);
            for (String line : lines.subList(Math.min(2, lines.size()), lines.size())) {
                String[] f = line.trim().split(" ");
                if (f.length == 3) {
                    out.put(f[0] + "-" + f[1], Long.parseLong(f[2]));
                }
            }
        } catch (IOException | RuntimeException e) {
            return out; // being replaced at this moment: the caller polls again
        }
        return out;
    }
}
