package io.samsa.metadata;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one apply path: committed batches become a {@link MetadataDelta}, publishers see it, and only then the
 * new image is published to {@link #image()} readers. Whatever log is underneath — {@link LocalMetadataLog} now,
 * Ratis's {@code StateMachine.applyTransaction} in the cluster issue — calls this through
 * {@link MetadataCommitListener}. Batches replayed at start are folded into one delta and published once, by
 * {@link #finishReplay}, so a long log does not copy the image per batch.
 * <p>
 * Applies are serialised on this object (the commit thread of the log); {@link #image()} is lock-free.
 */
public final class MetadataStateMachine implements MetadataCommitListener {
    private static final Logger log = LoggerFactory.getLogger(MetadataStateMachine.class);

    private final List<MetadataPublisher> publishers = new CopyOnWriteArrayList<>();
    private volatile MetadataImage image = MetadataImage.EMPTY;
    private MetadataDelta replaying; // guarded by this

    /** The current image: everything committed and published. */
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

    @Override
    public synchronized void replayed(List<MetadataRecord> records, long lastOffset) {
        if (replaying == null) {
            replaying = new MetadataDelta(image);
        }
        replaying.replay(records, lastOffset);
    }

    /** Publishes what {@link #replayed} gathered (nothing if the log was empty). */
    public synchronized void finishReplay() {
        if (replaying != null) {
            MetadataDelta delta = replaying;
            replaying = null;
            publish(delta, delta.apply());
        }
    }

    @Override
    public synchronized void committed(List<MetadataRecord> records, long lastOffset) {
        finishReplay();
        MetadataDelta delta = new MetadataDelta(image).replay(records, lastOffset);
        publish(delta, delta.apply());
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
