package io.samsa.broker.handler;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import io.samsa.log.LogFiles;

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
            // tmp + fsync + rename + directory fsync: a lost rename would hand out this block's ids again.
            LogFiles.writeAtomically(file, Long.toString(end).getBytes(StandardCharsets.US_ASCII));
            blockEnd = end;
        }
        return next++;
    }
}
