package io.samsa.broker.lifecycle;

import org.apache.kafka.common.Uuid;

import io.samsa.broker.replica.LeaderAndIsr;
import io.samsa.broker.replica.PartitionKey;
import io.samsa.broker.replica.ReplicaManager;
import io.samsa.metadata.MetadataDelta;
import io.samsa.metadata.MetadataImage;
import io.samsa.metadata.MetadataPublisher;
import io.samsa.metadata.PartitionRecord;
import io.samsa.metadata.TopicImage;

/**
 * Makes this broker's partitions follow the metadata in a cluster: for every partition with a replica here, the
 * committed leader, epochs and ISR go to the {@link ReplicaManager} (which becomes leader or follower and starts
 * or stops its fetcher); a partition whose topic is gone, or that no longer lists this node, is removed.
 * Registered after the topic registry, so a partition's log exists before its state is applied. Until
 * {@link #activate} (the logs are attached and replication started) it only remembers that it must catch up.
 * Runs on the metadata apply thread (Ratis's state-machine updater), one batch at a time.
 */
public final class ReplicaStatePublisher implements MetadataPublisher {
    private final int localNodeId;
    private final ReplicaManager replicas;
    private boolean active; // guarded by this

    public ReplicaStatePublisher(int localNodeId, ReplicaManager replicas) {
        this.localNodeId = localNodeId;
        this.replicas = replicas;
    }

    /** Applies the whole current image, then every later delta. */
    public synchronized void activate(MetadataImage image) {
        active = true;
        for (TopicImage topic : image.topics().all()) {
            applyTopic(topic);
        }
    }

    @Override
    public synchronized void onMetadataUpdate(MetadataDelta delta, MetadataImage newImage) {
        if (!active) {
            return;
        }
        for (TopicImage removed : delta.removedTopics().values()) {
            for (int p : removed.partitions().keySet()) {
                replicas.removePartition(new PartitionKey(removed.id(), p));
            }
        }
        for (Uuid id : delta.changedTopicIds()) {
            TopicImage topic = newImage.topics().get(id);
            if (topic != null) {
                applyTopic(topic);
            }
        }
    }

    private void applyTopic(TopicImage topic) {
        for (PartitionRecord record : topic.partitions().values()) {
            PartitionKey key = new PartitionKey(topic.id(), record.partition());
            if (record.replicas().contains(localNodeId)) {
                replicas.applyPartitionState(key, LeaderAndIsr.of(record));
            } else if (replicas.hostedPartition(key).isPresent()) {
                replicas.removePartition(key);
            }
        }
    }
}
