package io.samsa.metadata;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metadata log of a single node: {@code metadata.log} (append-only frames, fsynced before an append
 * counts as committed) and {@code metadata.snapshot} (the whole image as one frame, replaced atomically), in
 * the role of Kafka's {@code __cluster_metadata} log and its checkpoints. Frame format: see {@link MetadataFrames}.
 * <p>
 * When the log has grown by {@code snapshotBytes} the image is written as a snapshot, then the log is replaced
 * by an empty one; a crash between the two leaves frames the snapshot already covers, which replay skips by
 * offset. A frame cut short by a crash (or failing its CRC) ends the log: it and anything after it are
 * truncated at start, which loses only a batch that was never acknowledged.
 * <p>
 * Thread-safe: appends are serialised on this object, and the commit listener runs on the appending thread.
 */
public final class LocalMetadataLog implements MetadataLog {
    private static final Logger log = LoggerFactory.getLogger(LocalMetadataLog.class);
    public static final String LOG_FILE = "metadata.log";
    public static final String SNAPSHOT_FILE = "metadata.snapshot";
    /** Snapshot after this many bytes of log (Kafka: metadata.log.max.record.bytes.between.snapshots, 20 MiB). */
    public static final long DEFAULT_SNAPSHOT_BYTES = 4L << 20;

    private final Path dir;
    private final AtomicFileWriter writer;
    private final long snapshotBytes;
    private MetadataCommitListener listener;
    private FileChannel channel;
    private long nextOffset;
    private long logBytes;

    public LocalMetadataLog(Path dir, AtomicFileWriter writer, long snapshotBytes) {
        this.dir = dir;
        this.writer = writer;
        this.snapshotBytes = snapshotBytes;
    }

    /** Whether a metadata log was ever started in {@code dir} (a migration imports the old layout if not). */
    public static boolean exists(Path dir) {
        return Files.exists(dir.resolve(LOG_FILE)) || Files.exists(dir.resolve(SNAPSHOT_FILE));
    }

    @Override
    public synchronized void start(MetadataCommitListener listener) throws IOException {
        if (this.listener != null) {
            throw new IllegalStateException("Already started");
        }
        Files.createDirectories(dir);
        long last = -1;
        Path snapshot = dir.resolve(SNAPSHOT_FILE);
        if (Files.exists(snapshot)) {
            try (FileChannel ch = FileChannel.open(snapshot, StandardOpenOption.READ)) {
                MetadataFrames.Frame frame = MetadataFrames.read(ch, 0);
                if (frame == null) {
                    throw new IOException("Corrupt metadata snapshot " + snapshot);
                }
                listener.replayed(frame.records(), frame.lastOffset());
                last = frame.lastOffset();
            }
        }
        Path logFile = dir.resolve(LOG_FILE);
        if (!Files.exists(logFile)) {
            writer.write(logFile, new byte[0]);
        }
        channel = FileChannel.open(logFile, StandardOpenOption.READ, StandardOpenOption.WRITE);
        long pos = 0;
        long size = channel.size();
        while (pos < size) {
            MetadataFrames.Frame frame = MetadataFrames.read(channel, pos);
            if (frame == null) {
                log.warn("Metadata log {} ends in an incomplete or corrupt batch at byte {}; dropping the last {} "
                        + "bytes (a write cut short: it was never acknowledged)", logFile, pos, size - pos);
                channel.truncate(pos);
                channel.force(true);
                break;
            }
            if (frame.lastOffset() > last) {
                listener.replayed(frame.records(), frame.lastOffset());
                last = frame.lastOffset();
            }
            pos += frame.size();
        }
        channel.position(pos);
        logBytes = pos;
        nextOffset = last + 1;
        this.listener = listener;
    }

    @Override
    public synchronized CompletionStage<Long> append(List<MetadataRecord> records) {
        if (listener == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("Metadata log not started"));
        }
        long lastOffset = nextOffset + records.size() - 1;
        ByteBuffer frame = MetadataFrames.encode(records, lastOffset);
        long start = logBytes;
        try {
            while (frame.hasRemaining()) {
                channel.write(frame);
            }
            channel.force(true);
        } catch (IOException e) {
            try {
                channel.truncate(start);
                channel.position(start);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed); // the torn frame is dropped at the next start instead
            }
            return CompletableFuture.failedFuture(e);
        }
        logBytes = start + frame.limit();
        nextOffset = lastOffset + 1;
        listener.committed(records, lastOffset);
        return CompletableFuture.completedFuture(lastOffset);
    }

    @Override
    public synchronized void maybeSnapshot(MetadataImage image) throws IOException {
        if (logBytes < snapshotBytes || image.offset() != nextOffset - 1) {
            return;
        }
        ByteBuffer frame = MetadataFrames.encode(image.toRecords(), image.offset());
        byte[] bytes = new byte[frame.remaining()];
        frame.get(bytes);
        writer.write(dir.resolve(SNAPSHOT_FILE), bytes);
        channel.close();
        writer.write(dir.resolve(LOG_FILE), new byte[0]);
        channel = FileChannel.open(dir.resolve(LOG_FILE), StandardOpenOption.READ, StandardOpenOption.WRITE);
        log.info("Metadata snapshot at offset {} ({} bytes); log of {} bytes replaced", image.offset(),
                bytes.length, logBytes);
        logBytes = 0;
    }

    @Override
    public synchronized void close() throws IOException {
        if (channel != null) {
            channel.close();
        }
    }
}
