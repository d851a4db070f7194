package io.samsa.log;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Kafka's {@code partition.metadata} (KIP-516): the file in a partition directory that ties it to its topic id,
 * so that a directory left behind by a deleted (or half-created) topic is never taken for the data of a new
 * topic of the same name. Format, as Kafka writes it:
 * <pre>
 * version: 0
 * topic_id: &lt;topic id&gt;
 * </pre>
 * Stateless; called by {@link LogManager} under its creation lock.
 */
public final class PartitionMetadataFile {
    static final String FILE_NAME = "partition.metadata";
    private static final String VERSION_LINE = "version: 0";
    private static final String TOPIC_ID_PREFIX = "topic_id: ";
    /** What {@link #read} answers for a file that is there but not in the format above. */
    public static final String UNREADABLE = "<unreadable>";

    private PartitionMetadataFile() {
    }

    /** Writes the file atomically and durably. */
    static void write(Path partitionDir, String topicId) throws IOException {
        String content = VERSION_LINE + "\n" + TOPIC_ID_PREFIX + topicId + "\n";
        LogFiles.writeAtomically(partitionDir.resolve(FILE_NAME), content.getBytes(StandardCharsets.UTF_8));
    }

    /** The topic id, null when the directory has no such file (written before topic ids), or {@link #UNREADABLE}. */
    static String read(Path partitionDir) throws IOException {
        String content;
        try {
            content = Files.readString(partitionDir.resolve(FILE_NAME), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        }
        String[] lines = content.split("\n");
        if (lines.length != 2 || !lines[0].trim().equals(VERSION_LINE) || !lines[1].startsWith(TOPIC_ID_PREFIX)) {
            return UNREADABLE;
        }
        return lines[1].substring(TOPIC_ID_PREFIX.length()).trim();
    }
}
