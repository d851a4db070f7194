package io.samsa.broker.topic;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.samsa.log.LogFiles;
import io.samsa.metadata.BrokerRegistrationRecord;
import io.samsa.metadata.LocalMetadataLog;
import io.samsa.metadata.MetadataController;
import io.samsa.metadata.MetadataImage;
import io.samsa.metadata.MetadataRecord;
import io.samsa.metadata.MetadataStateMachine;

/**
 * The broker's metadata stack: the local metadata log under {@code __samsa_meta/metadata/}, the state machine
 * replayed from it, and the controller that writes to it. A data directory written before the metadata log (topic
 * files and the producer-id file) is imported on its first start as one atomic batch
 * ({@link LegacyMetadataImport}); the old files are then left alone (a later release may remove them).
 * Opened and closed on the broker's main thread; see {@link io.samsa.metadata} for the threads of the apply path.
 */
public final class BrokerMetadata implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BrokerMetadata.class);

    private final MetadataStateMachine state;
    private final LocalMetadataLog metadataLog;
    private final MetadataController controller;

    private BrokerMetadata(MetadataStateMachine state, LocalMetadataLog metadataLog, MetadataController controller) {
        this.state = state;
        this.metadataLog = metadataLog;
        this.controller = controller;
    }

    /** Replays the metadata log in {@code metaDir/metadata}, importing the old layout if nothing was ever written. */
    public static BrokerMetadata open(Path metaDir, MetadataController.Settings settings) throws IOException {
        MetadataStateMachine state = new MetadataStateMachine();
        LocalMetadataLog metadataLog = new LocalMetadataLog(metaDir.resolve("metadata"), LogFiles::writeAtomically,
                LocalMetadataLog.DEFAULT_SNAPSHOT_BYTES);
        try {
            metadataLog.start(state);
            state.finishReplay();
            MetadataController controller = new MetadataController(state, metadataLog, settings);
            if (state.image().offset() < 0) {
                // Nothing committed yet: a new data directory, or one from before the metadata log.
                List<MetadataRecord> imported = LegacyMetadataImport.read(metaDir, settings.nodeId());
                if (!imported.isEmpty()) {
                    await(controller.write(imported));
                    log.info("Imported {} metadata records from the files of an older release in {}",
                            imported.size(), metaDir);
                }
            }
            return new BrokerMetadata(state, metadataLog, controller);
        } catch (IOException | RuntimeException e) {
            try {
                metadataLog.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * Records this start of the broker (a new incarnation id) with its advertised endpoint. Single node: one
     * PLAINTEXT listener and no rack until named listeners and {@code broker.rack} arrive.
     */
    public void registerBroker(int nodeId, String host, int port) throws IOException {
        await(controller.write(List.of(new BrokerRegistrationRecord(nodeId, Uuid.randomUuid(),
                List.of(new BrokerRegistrationRecord.Endpoint("PLAINTEXT", "PLAINTEXT", host, port)), null))));
    }

    public MetadataStateMachine state() {
        return state;
    }

    public MetadataController controller() {
        return controller;
    }

    public MetadataImage image() {
        return state.image();
    }

    /**
     * Waits for a metadata write on the calling thread (a request-handler thread: never a network thread) and
     * rethrows its failure as it was thrown (ApiExceptions keep their Kafka error code).
     */
    public static <T> T await(CompletionStage<T> stage) throws IOException {
        try {
            return stage.toCompletableFuture().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted waiting for a metadata write");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IOException(cause);
        }
    }

    @Override
    public void close() throws IOException {
        metadataLog.close();
    }
}
