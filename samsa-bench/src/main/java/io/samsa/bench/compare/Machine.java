package io.samsa.bench.compare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

/** What the figures depend on besides the code: cores, load, kernel, JVM, the data filesystem. */
record Machine(String loadBefore, String loadAfter, Path work, Plan plan, Duration elapsed) {

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    int cores() {
        return Runtime.getRuntime().availableProcessors();
    }

    String kernel() {
        return System.getProperty("os.name") + " " + System.getProperty("os.version");
    }

    String jvm() {
        return System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version");
    }

    /** The filesystem type of the data directories, from the longest matching mount point. */
    String filesystem() {
        try {
            String best = "";
            String type = "?";
            String dir = work.toAbsolutePath().toString();
            for (String line : Files.readAllLines(Path.of("/proc/mounts"))) {
                String[] f = line.split(" ");
                if (f.length > 2 && (dir.equals(f[1]) || dir.startsWith(f[1].endsWith("/") ? f[1] : f[1] + "/"))
                        && f[1].length() > best.length()) {
                    best = f[1];
                    type = f[2];
                }
            }
            return type + " (mounted at " + best + ")";
        } catch (IOException e) {
            return "?";
        }
    }

    static String kafkaVersion(Path libs) {
        try (Stream<Path> files = Files.list(libs)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("kafka_2.13-"))
                    .map(n -> n.substring("kafka_2.13-".length(), n.length() - ".jar".length())).findFirst()
                    .orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }
}
