package io.samsa.metadata;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer of the metadata: validates a request against the current image (with Kafka's errors),
 * turns it into records and writes them through {@link #write}: publishers prepare, the log commits, the state
 * machine applies. Writes are serialised on this object, so a check and the write it guards see the same image;
 * callers are request-handler threads (never network threads) and the broker's main thread at start. A
 * validation error completes the returned stage exceptionally, as a failed write does.
 */
public final class MetadataController {
    private static final Logger log = LoggerFactory.getLogger(MetadataController.class);

    /**
     * Kafka's controller refuses a CreateTopics request that adds more than 10,000 partitions
     * ({@code ReplicationControlManager.MAX_PARTITIONS_PER_BATCH}) with POLICY_VIOLATION, before allocating
     * anything; the same bound applies here to one topic, one request, and one CreatePartitions.
     */
    public static final int MAX_PARTITIONS_PER_REQUEST = 10_000;

    /**
     * @param nodeId the node that holds every partition (single node: leader and only replica)
     * @param maxPartitions partitions the cluster holds at most over all topics ({@code max.partitions})
     * @param producerIdBlockSize ids per {@link ProducerIdsRecord} block
     */
    public record Settings(int nodeId, int maxPartitions, int producerIdBlockSize, TopicConfigValidator configs) {
    }

    private final MetadataStateMachine state;
    private final MetadataLog metadataLog;
    private final Settings settings;

    public MetadataController(MetadataStateMachine state, MetadataLog metadataLog, Settings settings) {
        this.state = state;
        this.metadataLog = metadataLog;
        this.settings = settings;
    }

    public MetadataImage image() {
        return state.image();
    }

    /** Checks a new topic without creating it (CreateTopics validateOnly, and before create). */
    public void validateCreateTopic(String name, int partitions, Map<String, String> configs) {
        MetadataImage image = state.image();
        TopicNames.validate(name);
        if (TopicNames.isInternal(name)) {
            throw new InvalidRequestException("Creation of internal topic " + name + " is prohibited.");
        }
        if (image.topics().get(name) != null) {
            throw new TopicExistsException("Topic '" + name + "' already exists.");
        }
        if (partitions < 1) {
            throw new InvalidPartitionsException("Number of partitions must be larger than 0.");
        }
        checkPartitionBudget(image, partitions);
        settings.configs().validate(configs);
    }

    public synchronized CompletionStage<TopicImage> createTopic(String name, int partitions,
                                                               Map<String, String> configs) {
        Uuid id;
        List<MetadataRecord> records = new ArrayList<>(partitions + configs.size() + 1);
        try {
            validateCreateTopic(name, partitions, configs);
            id = Uuid.randomUuid();
            records.add(new TopicRecord(name, id));
            for (int p = 0; p < partitions; p++) {
                records.add(PartitionRecord.singleNode(id, p, settings.nodeId()));
            }
            configs.forEach((k, v) -> records.add(ConfigRecord.topic(name, k, v)));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return write(records).thenApply(offset -> state.image().topics().get(id));
    }

    public synchronized CompletionStage<TopicImage> deleteTopic(String name) {
        TopicImage topic = state.image().topics().get(name);
        if (topic == null) {
            return CompletableFuture.failedFuture(
                    new UnknownTopicOrPartitionException("Topic '" + name + "' does not exist."));
        }
        return write(List.of(new RemoveTopicRecord(topic.id()))).thenApply(offset -> topic);
    }

    /** Grows a topic to {@code newCount} partitions; with {@code validateOnly} only checks and returns it as is. */
    public synchronized CompletionStage<TopicImage> createPartitions(String name, int newCount, boolean validateOnly) {
        MetadataImage image = state.image();
        TopicImage topic = image.topics().get(name);
        List<MetadataRecord> records = new ArrayList<>();
        try {
            if (topic == null) {
                throw new UnknownTopicOrPartitionException("Topic '" + name + "' does not exist.");
            }
            if (newCount <= topic.partitionCount()) {
                throw new InvalidPartitionsException("Topic currently has " + topic.partitionCount()
                        + " partitions, which is higher than the requested " + newCount + ".");
            }
            checkPartitionBudget(image, newCount - topic.partitionCount());
            if (validateOnly) {
                return CompletableFuture.completedFuture(topic);
            }
            for (int p = topic.partitionCount(); p < newCount; p++) {
                records.add(PartitionRecord.singleNode(topic.id(), p, settings.nodeId()));
            }
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return write(records).thenApply(offset -> state.image().topics().get(topic.id()));
    }

    /** Hands {@code brokerId} the next block of producer ids, above every block handed out before. */
    public synchronized CompletionStage<ProducerIdsRecord> allocateProducerIds(int brokerId) {
        ProducerIdsRecord block = new ProducerIdsRecord(brokerId, state.image().nextProducerId(),
                settings.producerIdBlockSize());
        return write(List.of(block)).thenApply(offset -> block);
    }

    /**
     * Writes records as one atomic batch: every publisher prepares (a failure vetoes it), the log commits and
     * applies it, and the stage completes with the offset of its last record. Used directly by the import of an
     * old data directory and by broker registration.
     */
    public synchronized CompletionStage<Long> write(List<MetadataRecord> records) {
        if (records.isEmpty()) {
            return CompletableFuture.completedFuture(state.image().offset());
        }
        MetadataImage current = state.image();
        MetadataDelta delta = null;
        List<MetadataPublisher> prepared = new ArrayList<>();
        try {
            delta = new MetadataDelta(current).replay(records, current.offset() + records.size());
            MetadataImage preview = delta.apply();
            for (MetadataPublisher p : state.publishers()) {
                prepared.add(p);
                p.prepare(delta, preview);
            }
        } catch (IOException | RuntimeException e) {
            abort(prepared, delta, e);
            return CompletableFuture.failedFuture(e);
        }
        MetadataDelta written = delta;
        return metadataLog.append(records).whenComplete((offset, error) -> {
            if (error != null) {
                abort(prepared, written, error);
                return;
            }
            try {
                metadataLog.maybeSnapshot(state.image());
            } catch (IOException | RuntimeException e) {
                log.warn("Writing a metadata snapshot failed; the log keeps growing until the next one", e);
            }
        });
    }

    private static void abort(List<MetadataPublisher> prepared, MetadataDelta delta, Throwable cause) {
        if (delta == null) {
            return; // the records themselves were invalid: nothing was prepared
        }
        for (int i = prepared.size() - 1; i >= 0; i--) {
            try {
                prepared.get(i).abort(delta);
            } catch (RuntimeException e) {
                cause.addSuppressed(e);
            }
        }
    }

    /** Refuses {@code added} more partitions beyond the per-request or the cluster's total limit. */
    private void checkPartitionBudget(MetadataImage image, int added) {
        if (added > MAX_PARTITIONS_PER_REQUEST) {
            throw new PolicyViolationException("Excessively large number of partitions per request: " + added
                    + " (at most " + MAX_PARTITIONS_PER_REQUEST + ").");
        }
        int total = image.topics().totalPartitions();
        if ((long) total + added > settings.maxPartitions()) {
            throw new PolicyViolationException("Adding " + added + " partitions would exceed this broker's "
                    + "max.partitions (" + settings.maxPartitions() + "); it holds " + total + ".");
        }
    }
}
