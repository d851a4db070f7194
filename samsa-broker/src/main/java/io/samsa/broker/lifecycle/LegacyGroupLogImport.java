package io.samsa.broker.lifecycle;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.samsa.broker.group.LegacyGroupLog;
import io.samsa.broker.group.OffsetsPartitions;
import io.samsa.broker.group.OffsetsTopic;
import io.samsa.broker.replica.ReplicaManager;
import io.samsa.broker.topic.BrokerMetadata;
import io.samsa.broker.topic.TopicInfo;
import io.samsa.broker.topic.TopicRegistry;
import io.samsa.metadata.ControllerApi;

/**
 * The upgrade of a single node's data directory written by a release that kept the groups in a local log of their
 * own ({@link LegacyGroupLog}): at start-up, before the group coordinator loads, its live records are written into
 * the partitions of {@code __consumer_offsets} (created if need be, as the first FindCoordinator would), each into
 * the partition of its group, through the coordinator's own write path (acks=all); then the legacy log is renamed
 * aside, so the import runs once. A crash between the writes and the rename imports again at the next start,
 * which is harmless: the topic is compacted and its newest record of each key wins, and the re-imported ones
 * carry the same state. A data directory without a legacy log costs one directory lookup. Broker main thread.
 */
public final class LegacyGroupLogImport {
    private static final Logger log = LoggerFactory.getLogger(LegacyGroupLogImport.class);

    private LegacyGroupLogImport() {
    }

    /** Imports the legacy group log under {@code metaDir}, if there is one. */
    public static void run(Path metaDir, OffsetsTopic offsetsTopic, TopicRegistry topics, ReplicaManager replicas,
                           OffsetsPartitions partitions) throws IOException {
        Optional<LegacyGroupLog> found = LegacyGroupLog.openIfPresent(metaDir);
        if (found.isEmpty()) {
            return;
        }
        try (LegacyGroupLog legacy = found.get()) {
            TopicInfo topic = topics.get(OffsetsTopic.NAME).orElse(null);
            int numPartitions = topic != null ? topic.partitions() : offsetsTopic.numPartitions();
            LegacyGroupLog.Live live = legacy.live(numPartitions, System.currentTimeMillis());
            if (live.records() > 0) {
                if (topic == null) {
                    topic = create(offsetsTopic, topics);
                }
                write(live.batchesByPartition(), topic, replicas, partitions);
            }
            Path movedTo = legacy.moveAside();
            if (live.records() > 0) {
                log.info("Imported the group log of an older release: {} group records and {} committed offsets "
                        + "into {} partitions of {}; the old log is kept as {}", live.groups(), live.offsets(),
                        live.batchesByPartition().size(), OffsetsTopic.NAME, movedTo);
            } else {
                log.info("The group log of an older release holds no live group or offset; moved aside as {}",
                        movedTo);
            }
        }
    }

    private static TopicInfo create(OffsetsTopic offsetsTopic, TopicRegistry topics) throws IOException {
        ControllerApi.TopicResult created = BrokerMetadata.await(topics.createAsync(new ControllerApi.CreateTopic(
                OffsetsTopic.NAME, offsetsTopic.numPartitions(), offsetsTopic.replicationFactor(), Map.of(),
                offsetsTopic.topicConfigs(), false, true)));
        return topics.get(created.topicId())
                .orElseThrow(() -> new IOException(OffsetsTopic.NAME + " was deleted while importing into it"));
    }

    /** Appends every batch as leader of its partition (acks=all) and waits until all are committed. */
    private static void write(Map<Integer, List<ByteBuffer>> batches, TopicInfo topic, ReplicaManager replicas,
                              OffsetsPartitions partitions) throws IOException {
        List<CompletableFuture<Long>> writes = new ArrayList<>();
        for (Map.Entry<Integer, List<ByteBuffer>> e : batches.entrySet()) {
            int epoch = replicas.partition(topic, e.getKey()).leaderEpoch(); // opens the partition (a single node)
            for (ByteBuffer batch : e.getValue()) {
                writes.add(partitions.appendAsLeader(e.getKey(), epoch, batch).toCompletableFuture());
            }
        }
        BrokerMetadata.await(CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)));
    }
}
