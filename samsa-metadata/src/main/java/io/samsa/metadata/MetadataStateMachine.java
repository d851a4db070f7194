package io.samsa.metadata;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one apply path: committed batches become a {@link MetadataDelta}, publishers see it, and only then the
 * new image is published to {@link #image()} readers. Whatever log is underneath — {@link LocalMetadataLog} or
 * Ratis's {@code StateMachine.applyTransaction} ({@code io.samsa.metadata.quorum}) — calls this through
 * {@link MetadataCommitListener}. Batches replayed at start are folded into one delta and published once, by
 * {@link #finishReplay}, so a long log does not copy the image per batch.
 * <p>
 * A batch that conflicts with the image ({@link MetadataConflictException}) is rejected whole: publishers see
 * nothing and the image keeps its content, but its offset moves past the batch, so {@link #awaitOffset} never
 * hangs on it. A snapshot installed from the quorum leader replaces the image ({@link #reloaded}); publishers
 * then see one delta from the old image to the new one.
 * <p>
 * Applies are serialised on this object (the commit thread of the log); {@link #image()} is lock-free.
 */
public final class MetadataStateMachine implements MetadataCommitListener {
    private static final Logger log = LoggerFactory.getLogger(MetadataStateMachine.class);

    private final List<MetadataPublisher> publishers = new CopyOnWriteArrayList<>();
    private final OffsetWaiters waiters = new OffsetWaiters();
    private volatile MetadataImage image = MetadataImage.EMPTY;
    private MetadataDelta replaying; // guarded by this

    /** The current image: everything committed and published. */
    @Override
    public MetadataImage image() {
        return image;
    }

    /** Adds a publisher; it sees every batch applied from now on (the current image is {@link #image()}). */
    public void register(MetadataPublisher publisher) {
        publishers.add(publisher);
    }

    List<MetadataPublisher> publishers() {
        return publishers;
    }

    /**
     * Completes (on the applying thread, or at once) with the image once {@code image().offset() >= offset}:
     * after the batch at {@code offset} was applied or rejected here. {@code offset} must be a batch's offset (a
     * quorum's own entries — leader changes — move no image).
     */
    public CompletionStage<MetadataImage> awaitOffset(long offset) {
        MetadataImage current = image;
        if (current.offset() >= offset) {
            return CompletableFuture.completedFuture(current);
        }
        CompletableFuture<MetadataImage> future = waiters.add(offset);
        waiters.complete(image); // closes the race with an apply between the check and the add
        return future;
    }

    @Override
    public synchronized void replayed(List<MetadataRecord> records, long lastOffset) {
        if (replaying == null) {
            replaying = new MetadataDelta(image);
        }
        replaying.replay(records, lastOffset);
    }

    /** Publishes what {@link #replayed} gathered (nothing if the log was empty). */
    @Override
    public void finishReplay() {
        synchronized (this) {
            if (replaying == null) {
                return;
            }
            MetadataDelta delta = replaying;
            replaying = null;
            publish(delta, delta.apply());
        }
        waiters.complete(image);
    }

    @Override
    public void committed(List<MetadataRecord> records, long lastOffset) {
        try {
            apply(records, lastOffset);
        } finally {
            waiters.complete(image);
        }
    }

    private synchronized void apply(List<MetadataRecord> records, long lastOffset) {
        finishReplay();
        MetadataDelta delta;
        try {
            delta = new MetadataDelta(image).replay(records, lastOffset);
        } catch (RuntimeException e) {
            // Rejected whole, identically on every replica (same image, same batch); only the offset moves.
            image = image.atOffset(lastOffset);
            throw e;
        }
        publish(delta, delta.apply());
    }

    @Override
    public void reloaded(List<MetadataRecord> records, long lastOffset) {
        synchronized (this) {
            replaying = null;
            MetadataImage target = new MetadataDelta(MetadataImage.EMPTY).replay(records, lastOffset).apply();
            MetadataDelta delta;
            MetadataImage next;
            try {
                delta = MetadataDelta.forReload(image).replay(ImageDiff.records(image, target), lastOffset);
                next = delta.apply();
            } catch (RuntimeException e) {
                // A replay check the diff does not satisfy: publishers see the snapshot as if everything were new.
                log.warn("Metadata snapshot at offset {}: no delta from the old image ({}); publishing it whole",
                        lastOffset, e.toString());
                delta = new MetadataDelta(MetadataImage.EMPTY).replay(records, lastOffset);
                next = target;
            }
            if (!next.equals(target)) {
                // Only brokers can differ (there is no record removing one); the snapshot is the truth.
                log.warn("Metadata snapshot at offset {}: the delta from the old image misses a removed broker; "
                        + "publishing the snapshot's image", lastOffset);
                next = target;
            }
            log.info("Metadata image replaced by a snapshot at offset {} (was at offset {})", lastOffset,
                    image.offset());
            publish(delta, next);
        }
        waiters.complete(image);
    }

    private void publish(MetadataDelta delta, MetadataImage next) {
        for (MetadataPublisher p : publishers) {
            try {
                p.onMetadataUpdate(delta, next);
            } catch (RuntimeException e) {
                // Committed is committed: the image moves on; the publisher reconciles at its next start.
                log.error("Metadata publisher {} failed on the batch up to offset {}", p, next.offset(), e);
            }
        }
        image = next;
    }
}
