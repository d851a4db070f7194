package io.samsa.broker.lifecycle;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

import io.samsa.broker.group.GroupCoordinator;
import io.samsa.broker.group.OffsetsTopic;
import io.samsa.broker.replica.Partition;
import io.samsa.broker.replica.PartitionKey;
import io.samsa.broker.replica.PartitionRole;
import io.samsa.broker.replica.ReplicaManager;
import io.samsa.metadata.MetadataDelta;
import io.samsa.metadata.MetadataImage;
import io.samsa.metadata.MetadataPublisher;
import io.samsa.metadata.PartitionRecord;
import io.samsa.metadata.TopicImage;

/**
 * Tells the group coordinator which {@code __consumer_offsets} partitions this broker leads, after every
 * metadata batch: registered after the {@link ReplicaStatePublisher}, it reads the roles the replica manager has
 * just applied (leader at which epoch), so a shard is loaded only from a replica that is leader, and unloaded as soon
 * as it is not (or at a newer epoch, reloaded). Runs on the metadata apply thread; {@link #activate} (once the
 * coordinator exists) reconciles with the current image first.
 */
public final class CoordinatorShardPublisher implements MetadataPublisher {
    private final ReplicaManager replicas;
    private GroupCoordinator coordinator; // guarded by this; null until activated

    public CoordinatorShardPublisher(ReplicaManager replicas) {
        this.replicas = replicas;
    }

    public synchronized void activate(GroupCoordinator coordinator, MetadataImage image) {
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
        TopicImage topic = image.topics().get(OffsetsTopic.NAME);
        if (topic != null) {
            for (PartitionRecord record : topic.partitions().values()) {
                Optional<Partition> p = replicas.hostedPartition(new PartitionKey(topic.id(), record.partition()));
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
