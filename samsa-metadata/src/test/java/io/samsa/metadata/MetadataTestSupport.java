package io.samsa.metadata;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;

import org.apache.kafka.common.errors.InvalidConfigurationException;

/** A controller over a local log in a directory, as the broker builds it (minus samsa-log's writer). */
final class MetadataTestSupport implements AutoCloseable {
    /** Test stand-in for samsa-log's LogFiles.writeAtomically (temp, fsync, atomic rename). */
    static final AtomicFileWriter WRITER = (target, content) -> {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(ByteBuffer.wrap(content));
            ch.force(true);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    };

    /** Refuses one config, as the broker's LogConfig-backed validator refuses bad values. */
    static final TopicConfigValidator CONFIGS = configs -> {
        if ("0".equals(configs.get("min.insync.replicas"))) {
            throw new InvalidConfigurationException("Invalid value 0 for configuration min.insync.replicas");
        }
    };

    final MetadataStateMachine state = new MetadataStateMachine();
    final LocalMetadataLog log;
    final MetadataController controller;

    MetadataTestSupport(Path dir, long snapshotBytes, int maxPartitions) throws IOException {
        log = new LocalMetadataLog(dir, WRITER, snapshotBytes);
        log.start(state);
        state.finishReplay();
        controller = new MetadataController(state, log,
                new MetadataController.Settings(1, maxPartitions, 1000, CONFIGS));
    }

    MetadataTestSupport(Path dir) throws IOException {
        this(dir, LocalMetadataLog.DEFAULT_SNAPSHOT_BYTES, 20_000);
    }

    TopicImage create(String name, int partitions, Map<String, String> configs) {
        return controller.createTopic(name, partitions, configs).toCompletableFuture().join();
    }

    @Override
    public void close() throws IOException {
        log.close();
    }
}
