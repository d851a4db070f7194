package io.samsa.broker.handler;

import java.io.IOException;

import io.samsa.broker.topic.BrokerMetadata;
import io.samsa.metadata.MetadataController;
import io.samsa.metadata.ProducerIdsRecord;

/**
 * Hands out producer ids that are never reused, even across crashes: ids come from blocks allocated by the
 * metadata controller, and a block is committed as a {@link ProducerIdsRecord} before any id in it is handed
 * out. Called on request-handler threads; serialised on this object.
 */
public final class ProducerIdManager {
    private final MetadataController controller;
    private final int nodeId;
    private long next;
    private long blockEnd;

    public ProducerIdManager(MetadataController controller, int nodeId) {
        this.controller = controller;
        this.nodeId = nodeId;
    }

    public synchronized long next() throws IOException {
        if (next >= blockEnd) {
            ProducerIdsRecord block = BrokerMetadata.await(controller.allocateProducerIds(nodeId));
            next = block.firstProducerId();
            blockEnd = block.nextBlockStart();
        }
        return next++;
    }
}
