package io.samsa.broker.handler;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Hands out producer ids that are never reused, even across crashes: ids come from blocks, and the end
 * of the current block is made durable before any id in it is handed out.
 */
public final class ProducerIdManager {
    static final int BLOCK_SIZE = 1000;

    private final Path file;
    private long next;
    private long blockEnd;

    public ProducerIdManager(Path metaDir) throws IOException {
        this.file = metaDir.resolve("producer-id-block");
        long persisted = Files.exists(file) ? Long.parseLong(Files.readString(file).trim()) : 0L;
        this.next = persisted;
        this.blockEnd = persisted;
    }

    public synchronized long next() throws IOException {
        if (next >= blockEnd) {
            long end = next + BLOCK_SIZE;
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, Long.toString(end), StandardCharsets.US_ASCII);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            blockEnd = end;
        }
        return next++;
    }
}
