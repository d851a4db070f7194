package io.samsa.broker.lifecycle;

import java.util.Collection;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import org.apache.kafka.common.errors.ApiException;

import io.samsa.broker.group.GroupCoordinator;
import io.samsa.broker.group.OffsetsTopic;
import io.samsa.broker.replica.Partition;
import io.samsa.broker.replica.PartitionKey;
import io.samsa.broker.replica.PartitionRole;
import io.samsa.broker.replica.ReplicaManager;
import io.samsa.broker.topic.TopicInfo;
import io.samsa.broker.topic.TopicRegistry;
import io.samsa.broker.txn.TransactionCoordinator;
import io.samsa.broker.txn.TransactionStateTopic;
import io.samsa.metadata.MetadataDelta;
import io.samsa.metadata.MetadataImage;
import io.samsa.metadata.MetadataPublisher;
import io.samsa.metadata.PartitionRecord;
import io.samsa.metadata.TopicImage;

/**
 * Tells a coordinator which partitions of its internal topic this broker leads, after every metadata batch: the
 * group coordinator {@code __consumer_offsets}, the transaction coordinator {@code __transaction_state}. In a cluster it is registered after the {@link ReplicaStatePublisher} and reads the
 * roles the replica manager has just applied (leader at which epoch), so a shard is loaded only from a replica that is
 * leader, and unloaded as soon as it is not (or at a newer epoch, reloaded). On a single node
 * ({@link #singleNode}), registered after the topic registry, it opens the partitions of the topic once their logs
 * exist (the node leads them all) — when the topic is created, and at start-up when it exists already. Runs on the
 * metadata apply thread (a single node: the thread that wrote the change); {@link #activate} (once the coordinator
 * exists) reconciles with the current image first.
 */
public final class CoordinatorShardPublisher implements MetadataPublisher {
    /** A coordinator whose state is sharded by the partitions of its internal topic. */
    public interface Shards {
        void onLeader(int partition, int leaderEpoch);

        void onNotLeader(int partition);

        Collection<Integer> coordinatedPartitions();

        static Shards of(GroupCoordinator groups) {
            return new Shards() {
                @Override
                public void onLeader(int partition, int leaderEpoch) {
                    groups.onLeader(partition, leaderEpoch);
                }

                @Override
                public void onNotLeader(int partition) {
                    groups.onNotLeader(partition);
                }

                @Override
                public Collection<Integer> coordinatedPartitions() {
                    return groups.coordinatedPartitions();
                }
            };
        }

        static Shards of(TransactionCoordinator transactions) {
            return new Shards() {
                @Override
                public void onLeader(int partition, int leaderEpoch) {
                    transactions.onLeader(partition, leaderEpoch);
                }

                @Override
                public void onNotLeader(int partition) {
                    transactions.onNotLeader(partition);
                }

                @Override
                public Collection<Integer> coordinatedPartitions() {
                    return transactions.coordinatedPartitions();
                }
            };
        }
    }

    private final ReplicaManager replicas;
    private final String topicName;
    /** The local replica of a partition: in a cluster only if hosted already, on a single node opened on demand. */
    private final Function<PartitionKey, Optional<Partition>> replica;
    private Shards coordinator; // guarded by this; null until activated

    /** A cluster node, for the group coordinator: the replica state publisher opens replicas and applies roles. */
    public CoordinatorShardPublisher(ReplicaManager replicas) {
        this(replicas, OffsetsTopic.NAME);
    }

    /** A cluster node, for the coordinator of internal topic {@code topicName}. */
    public CoordinatorShardPublisher(ReplicaManager replicas, String topicName) {
        this.replicas = replicas;
        this.topicName = topicName;
        this.replica = replicas::hostedPartition;
    }

    private CoordinatorShardPublisher(ReplicaManager replicas, TopicRegistry topics, String topicName) {
        this.replicas = replicas;
        this.topicName = topicName;
        this.replica = key -> replicas.hostedPartition(key).or(() -> open(topics, key));
    }

    /** A single node's group coordinator: it leads every partition, opened once the topic registry has its log. */
    public static CoordinatorShardPublisher singleNode(ReplicaManager replicas, TopicRegistry topics) {
        return new CoordinatorShardPublisher(replicas, topics, OffsetsTopic.NAME);
    }

    /** A single node's transaction coordinator, over {@code __transaction_state} likewise. */
    public static CoordinatorShardPublisher singleNodeTransactions(ReplicaManager replicas, TopicRegistry topics) {
        return new CoordinatorShardPublisher(replicas, topics, TransactionStateTopic.NAME);
    }

    private Optional<Partition> open(TopicRegistry topics, PartitionKey key) {
        Optional<TopicInfo> topic = topics.get(key.topicId());
        if (topic.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(replicas.partition(topic.get(), key.partition()));
        } catch (ApiException e) {
            return Optional.empty(); // no local log (yet): the next metadata batch tries again
        }
    }

    public synchronized void activate(Shards coordinator, MetadataImage image) {
        this.coordinator = coordinator;
        reconcile(image);
    }

    @Override
    public synchronized void onMetadataUpdate(MetadataDelta delta, MetadataImage newImage) {
        if (coordinator != null) {
            reconcile(newImage);
        }
    }

    private void reconcile(MetadataImage image) {
        Set<Integer> led = new HashSet<>();
        TopicImage topic = image.topics().get(topicName);
        if (topic != null) {
            for (PartitionRecord record : topic.partitions().values()) {
                Optional<Partition> p = replica.apply(new PartitionKey(topic.id(), record.partition()));
                if (p.isPresent() && p.get().role() == PartitionRole.LEADER) {
                    led.add(record.partition());
                    coordinator.onLeader(record.partition(), p.get().leaderEpoch());
                }
            }
        }
        for (int p : coordinator.coordinatedPartitions()) {
            if (!led.contains(p)) {
                coordinator.onNotLeader(p);
            }
        }
    }
}
