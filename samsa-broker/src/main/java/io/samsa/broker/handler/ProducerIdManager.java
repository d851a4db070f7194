package io.samsa.broker.handler;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.samsa.metadata.ControllerApi;
import io.samsa.metadata.ProducerIdsRecord;

/**
 * Hands out producer ids that are never reused, even across crashes or between brokers: ids come from blocks
 * allocated by the active controller ({@link ControllerApi#allocateProducerIds}), and a block is committed as a
 * {@link ProducerIdsRecord} before any id in it is handed out. Called on request-handler threads (the stage of a
 * new block completes on the metadata commit thread, or the controller channel's);
 * the current block is guarded by this object. Blocks are disjoint, so ids stay unique even if two callers
 * both ask for a block: the one not used is skipped, never handed out twice.
 */
public final class ProducerIdManager {
    private final ControllerApi controller;
    private final int nodeId;
    private long next; // guarded by this
    private long blockEnd; // guarded by this

    public ProducerIdManager(ControllerApi controller, int nodeId) {
        this.controller = controller;
        this.nodeId = nodeId;
    }

    /** The next id; completes at once within a block, after the commit of a new block otherwise. */
    public CompletionStage<Long> next() {
        synchronized (this) {
            if (next < blockEnd) {
                return CompletableFuture.completedFuture(next++);
            }
        }
        return controller.allocateProducerIds(nodeId).thenApply(allocated -> takeFrom(allocated.block()));
    }

    private synchronized long takeFrom(ProducerIdsRecord block) {
        if (next >= blockEnd) {
            next = block.firstProducerId();
            blockEnd = block.nextBlockStart();
        }
        return next++;
    }
}
