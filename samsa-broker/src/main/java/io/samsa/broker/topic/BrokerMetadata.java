package io.samsa.broker.topic;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.samsa.log.LogFiles;
import io.samsa.metadata.ControllerApi;
import io.samsa.metadata.LocalMetadataLog;
import io.samsa.metadata.MetadataController;
import io.samsa.metadata.MetadataImage;
import io.samsa.metadata.MetadataLog;
import io.samsa.metadata.MetadataRecord;
import io.samsa.metadata.MetadataStateMachine;

/**
 * The broker's metadata stack: the metadata log, the state machine replayed from it, and the {@link ControllerApi}
 * through which this broker changes the metadata. Two ways to open it:
 * <ul>
 * <li>a single node ({@link #open(Path, MetadataController.Settings)}): the local log under
 * {@code __samsa_meta/metadata/} and this node's own {@link MetadataController}. A data directory written before
 * the metadata log (topic files and the producer-id file) is imported on its first start as one atomic batch
 * ({@link LegacyMetadataImport}); the old files are then left alone (a later release may remove them).
 * <li>a cluster node ({@link #open(MetadataStateMachine, MetadataLog, ControllerApi)}): any log (the metadata
 * quorum's) and whatever reaches the active controller.
 * </ul>
 * Opened and closed on the broker's main thread; see {@link io.samsa.metadata} for the threads of the apply path.
 */
public final class BrokerMetadata implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BrokerMetadata.class);

    private final MetadataStateMachine state;
    private final MetadataLog metadataLog;
    private final ControllerApi controller;

    private BrokerMetadata(MetadataStateMachine state, MetadataLog metadataLog, ControllerApi controller) {
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
     * A node of a cluster: starts {@code metadataLog} (it replays what it holds into {@code state}, then sends
     * every later commit) and changes the metadata through {@code controller} (the active controller, local or
     * remote). Publishers registered on {@code state} before this call see the replay; the topic registry,
     * created after, starts from the replayed image. Closing this closes the log.
     */
    public static BrokerMetadata open(MetadataStateMachine state, MetadataLog metadataLog, ControllerApi controller)
            throws IOException {
        try {
            metadataLog.start(state);
            state.finishReplay();
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
     * Registers this start of the broker (a new incarnation id) with every advertised listener and its rack, see
     * {@link io.samsa.broker.cluster.LocalBrokerRegistration}. On a single node the registration is written as is
     * (unfenced); in a cluster the controller registers the broker fenced until its first heartbeat after it has
     * caught up. Returns the broker epoch its heartbeats name.
     */
    public ControllerApi.Registered registerBroker(ControllerApi.BrokerRegistration registration) throws IOException {
        return await(controller.registerBroker(registration));
    }

    public MetadataStateMachine state() {
        return state;
    }

    /** How this broker changes the metadata: the active controller, wherever it runs. */
    public ControllerApi controller() {
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
