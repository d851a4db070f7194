package io.samsa.metadata;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * Futures waiting for the image to reach an offset ({@link MetadataStateMachine#awaitOffset}). Completed by the
 * applying thread after it published an image, outside the state machine's lock, so what runs on completion
 * may read or write the metadata freely.
 */
final class OffsetWaiters {
    private final TreeMap<Long, List<CompletableFuture<MetadataImage>>> byOffset = new TreeMap<>();

    synchronized CompletableFuture<MetadataImage> add(long offset) {
        CompletableFuture<MetadataImage> future = new CompletableFuture<>();
        byOffset.computeIfAbsent(offset, o -> new ArrayList<>(1)).add(future);
        return future;
    }

    void complete(MetadataImage image) {
        List<CompletableFuture<MetadataImage>> ready = new ArrayList<>();
        synchronized (this) {
            Map<Long, List<CompletableFuture<MetadataImage>>> reached = byOffset.headMap(image.offset(), true);
            reached.values().forEach(ready::addAll);
            reached.clear();
        }
        ready.forEach(f -> f.complete(image));
    }
}
