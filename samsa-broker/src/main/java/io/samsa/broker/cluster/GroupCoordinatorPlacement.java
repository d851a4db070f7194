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
import io.samsa.metadata.ControllerApi;
import io.samsa.metadata.MetadataImage;
import io.samsa.metadata.PartitionRecord;
import io.samsa.metadata.TopicImage;

/**
 * Where a group's coordinator is, as Kafka places it (in a cluster and on a single node): the leader of the group's
 * {@code __consumer_offsets} partition ({@link OffsetsTopic#partitionFor}). The first question for a group when
 * the topic does not exist yet asks the controller to create it (as Kafka's brokers do on the first
 * FindCoordinator) and answers "none yet"; so does a partition without a live leader. A creation the controller
 * refuses — fewer brokers than {@code offsets.topic.replication.factor} — is asked again on a later question, at
 * most once per {@value #RETRY_MS} ms. Thread-safe: request handler threads ask, creation completes on the
 * controller client's thread.
 */
public final class GroupCoordinatorPlacement {
    private static final Logger log = LoggerFactory.getLogger(GroupCoordinatorPlacement.class);
    static final long RETRY_MS = 1000;

    private final OffsetsTopic topic;
    private final Function<ControllerApi.CreateTopic, CompletionStage<?>> create;
    private final AtomicBoolean creating = new AtomicBoolean();
    private volatile long lastFailureMs = Long.MIN_VALUE / 2;

    /** @param create creates a topic through the controller (the topic registry's createAsync) */
    public GroupCoordinatorPlacement(OffsetsTopic topic, Function<ControllerApi.CreateTopic, CompletionStage<?>> create) {
        this.topic = topic;
        this.create = create;
    }

    /** The coordinator's broker id, or -1 while there is none (no topic yet, no live leader). */
    public int coordinatorFor(String groupId, MetadataImage image, IntPredicate alive) {
        TopicImage offsets = image.topics().get(OffsetsTopic.NAME);
        if (offsets == null) {
            maybeCreate();
            return -1;
        }
        PartitionRecord p = offsets.partition(OffsetsTopic.partitionFor(groupId, offsets.partitionCount()));
        if (p == null || p.leader() < 0 || !alive.test(p.leader())) {
            return -1;
        }
        return p.leader();
    }

    private void maybeCreate() {
        if (System.currentTimeMillis() - lastFailureMs < RETRY_MS || !creating.compareAndSet(false, true)) {
            return;
        }
        ControllerApi.CreateTopic request = new ControllerApi.CreateTopic(OffsetsTopic.NAME, topic.numPartitions(),
                topic.replicationFactor(), Map.of(), topic.topicConfigs(), false, true);
        CompletionStage<?> created;
        try {
            created = create.apply(request);
        } catch (RuntimeException e) {
            failed(e);
            return;
        }
        created.whenComplete((r, e) -> {
            if (e == null) {
                log.info("Created {} ({} partitions, replication factor {})", OffsetsTopic.NAME,
                        topic.numPartitions(), topic.replicationFactor());
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
            log.info("Could not create {} yet: {}", OffsetsTopic.NAME, cause.toString());
        }
        creating.set(false);
    }
}
