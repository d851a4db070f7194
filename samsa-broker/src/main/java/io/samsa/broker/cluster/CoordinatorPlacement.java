package io.samsa.broker.cluster;

import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.IntPredicate;

import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.samsa.broker.group.OffsetsTopic;
import io.samsa.broker.txn.TransactionStateTopic;
import io.samsa.metadata.ControllerApi;
import io.samsa.metadata.MetadataImage;
import io.samsa.metadata.PartitionRecord;
import io.samsa.metadata.TopicImage;

/**
 * Where a group's or a transactional id's coordinator is, as Kafka places it (in a cluster and on a single node):
 * the leader of the key's partition of the coordinator's internal topic — {@code __consumer_offsets} for groups,
 * {@code __transaction_state} for transactional ids — at {@link OffsetsTopic#partitionFor}. The first question
 * when the topic does not exist yet asks the controller to create it (as Kafka's brokers do on the first
 * FindCoordinator) and answers "none yet"; so does a partition without a live leader. A creation the controller
 * refuses — fewer brokers than the topic's replication factor — is asked again on a later question, at most once
 * per {@value #RETRY_MS} ms. Thread-safe: request handler threads ask, creation completes on the controller
 * client's thread.
 */
public final class CoordinatorPlacement {
    private static final Logger log = LoggerFactory.getLogger(CoordinatorPlacement.class);
    static final long RETRY_MS = 1000;

    private final String topicName;
    private final int numPartitions;
    private final short replicationFactor;
    private final Map<String, String> topicConfigs;
    private final Function<ControllerApi.CreateTopic, CompletionStage<?>> create;
    private final AtomicBoolean creating = new AtomicBoolean();
    private volatile long lastFailureMs = Long.MIN_VALUE / 2;

    private CoordinatorPlacement(String topicName, int numPartitions, short replicationFactor,
                                 Map<String, String> topicConfigs,
                                 Function<ControllerApi.CreateTopic, CompletionStage<?>> create) {
        this.topicName = topicName;
        this.numPartitions = numPartitions;
        this.replicationFactor = replicationFactor;
        this.topicConfigs = topicConfigs;
        this.create = create;
    }

    /** Groups, on {@code __consumer_offsets}; {@code create}: the topic registry's createAsync. */
    public static CoordinatorPlacement forGroups(OffsetsTopic topic,
                                                 Function<ControllerApi.CreateTopic, CompletionStage<?>> create) {
        return new CoordinatorPlacement(OffsetsTopic.NAME, topic.numPartitions(), topic.replicationFactor(),
                topic.topicConfigs(), create);
    }

    /** Transactional ids, on {@code __transaction_state}. */
    public static CoordinatorPlacement forTransactions(TransactionStateTopic topic,
                                                       Function<ControllerApi.CreateTopic, CompletionStage<?>> create) {
        return new CoordinatorPlacement(TransactionStateTopic.NAME, topic.numPartitions(), topic.replicationFactor(),
                topic.topicConfigs(), create);
    }

    /** The coordinator's broker id, or -1 while there is none (no topic yet, no live leader). */
    public int coordinatorFor(String key, MetadataImage image, IntPredicate alive) {
        TopicImage topic = image.topics().get(topicName);
        if (topic == null) {
            maybeCreate();
            return -1;
        }
        PartitionRecord p = topic.partition(OffsetsTopic.partitionFor(key, topic.partitionCount()));
        if (p == null || p.leader() < 0 || !alive.test(p.leader())) {
            return -1;
        }
        return p.leader();
    }

    private void maybeCreate() {
        if (System.currentTimeMillis() - lastFailureMs < RETRY_MS || !creating.compareAndSet(false, true)) {
            return;
        }
        ControllerApi.CreateTopic request = new ControllerApi.CreateTopic(topicName, numPartitions,
                replicationFactor, Map.of(), topicConfigs, false, true);
        CompletionStage<?> created;
        try {
            created = create.apply(request);
        } catch (RuntimeException e) {
            failed(e);
            return;
        }
        created.whenComplete((r, e) -> {
            if (e == null) {
                log.info("Created {} ({} partitions, replication factor {})", topicName, numPartitions,
                        replicationFactor);
                creating.set(false);
            } else {
                failed(e);
            }
        });
    }

    private void failed(Throwable e) {
        Throwable cause = e.getCause() != null && !(e instanceof TopicExistsException) ? e.getCause() : e;
        if (!(cause instanceof TopicExistsException)) {
            lastFailureMs = System.currentTimeMillis();
            log.info("Could not create {} yet: {}", topicName, cause.toString());
        }
        creating.set(false);
    }
}
