package io.samsa.log;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Kafka's file naming and the small file-system helpers the log needs. {@link #writeAtomically} and
 * {@link #fsyncDir} are public: they are THE way any Samsa module replaces a small file durably (meta.properties,
 * topic files, the producer-id block, checkpoints, snapshots) — no module keeps its own copy.
 * Stateless; any thread may call it.
 */
public final class LogFiles {

    static final String LOG_SUFFIX = ".log";
    static final String INDEX_SUFFIX = ".index";
    static final String TIME_INDEX_SUFFIX = ".timeindex";
    static final String TXN_INDEX_SUFFIX = ".txnindex";
    static final String SNAPSHOT_SUFFIX = ".snapshot";
    /** The files of one segment, the log first. */
    static final String[] SEGMENT_SUFFIXES = {LOG_SUFFIX, INDEX_SUFFIX, TIME_INDEX_SUFFIX, TXN_INDEX_SUFFIX};
    static final String TMP_SUFFIX = ".tmp";

    private LogFiles() {
    }

    /** {@code %020d} + suffix, e.g. {@code 00000000000000000042.log}. */
    static String name(long offset, String suffix) {
        return String.format("%020d", offset) + suffix;
    }

    /** The offset a file is named by, or -1 when the name is not {@code <20 digits><suffix>}. */
    static long offsetOf(String fileName, String suffix) {
        if (!fileName.endsWith(suffix) || fileName.length() != 20 + suffix.length()) {
            return -1;
        }
        try {
            return Long.parseLong(fileName.substring(0, 20));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** fsyncs a directory so that a rename or a new file in it is durable (no-op where unsupported). */
    public static void fsyncDir(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // Some platforms cannot open directories; the rename itself is still atomic.
        }
    }

    /** Writes {@code content} to {@code target} atomically: temp file, fsync, rename, fsync of the directory. */
    public static void writeAtomically(Path target, byte[] content) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + TMP_SUFFIX);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(content);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        Files.move(tmp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        fsyncDir(target.getParent());
    }

    /** Deletes a file if it exists and makes the unlink durable (fsync of its directory). */
    public static void deleteDurably(Path file) throws IOException {
        if (Files.deleteIfExists(file)) {
            fsyncDir(file.getParent());
        }
    }

    /** Deletes a directory tree, ignoring files that vanish meanwhile (the one recursive delete of Samsa). */
    public static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
