package io.samsa.clients.metadata;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * Brokers and topics as last seen. Written only by the I/O thread ({@link #update}); read by anyone. Callers
 * that need a topic register it ({@link #awaitTopic}) and wait, bounded, for the I/O thread to fetch it.
 *
 * <p>Leadership never goes back in time: each partition keeps the leader epoch it was last named with, and a
 * response from a broker that has not caught up with the cluster's metadata (an older leader epoch for the same
 * topic id) leaves that partition as it was (Kafka's {@code Metadata.updateLatestMetadata} rule). A changed
 * topic id (the topic was deleted and created again) starts afresh.
 *
 * <p>A connection that fails to authenticate is a fatal error here, as in Kafka's {@code Metadata.fatalError}:
 * the next (or current) {@link #awaitTopic} throws it once, so a wrong password fails a send at once instead of
 * after {@code max.block.ms}.
 */
public final class MetadataCache {
    /**
     * A topic as of the last Metadata responses. {@code leaders[p]} is -1 while a partition has no leader;
     * {@code leaderEpochs[p]} is the leader epoch the leader was named with (-1 when the broker did not say).
     */
    public record TopicInfo(String name, Uuid id, Errors error, int[] leaders, int[] leaderEpochs,
                            List<PartitionInfo> partitions) {
        public int partitionCount() {
            return leaders.length;
        }
    }

    private final Set<String> wanted = ConcurrentHashMap.newKeySet();
    private final Runnable wakeIo;
    private volatile Map<String, TopicInfo> topics = Map.of();
    private volatile Map<Uuid, String> topicNames = Map.of();
    private volatile Map<Integer, Node> nodes = Map.of();
    private volatile Cluster cluster;
    private volatile boolean updateRequested = true;
    private volatile long lastUpdateMs = -1;
    private volatile String clusterId;
    /** The last authentication failure not yet thrown to a waiter; guarded by this. */
    private AuthenticationException authenticationError;

    public MetadataCache(Runnable wakeIo) {
        this.wakeIo = wakeIo;
    }

    public TopicInfo topic(String name) {
        return topics.get(name);
    }

    /** Names of every topic in the last responses (all topics, after a request for all of them). */
    public Set<String> topicNames() {
        return topics.keySet();
    }

    public String topicName(Uuid id) {
        return topicNames.get(id);
    }

    public Node node(int id) {
        return nodes.get(id);
    }

    /**
     * The partition's leader, or -1 when it is not known (unknown topic or partition, no leader, or a leader
     * whose address is missing); then the topic is wanted and a refresh requested.
     */
    public int leaderFor(TopicPartition tp) {
        TopicInfo t = topic(tp.topic());
        if (t == null || tp.partition() >= t.partitionCount()) {
            wantedTopics().add(tp.topic());
            requestUpdate();
            return -1;
        }
        int leader = t.leaders()[tp.partition()];
        if (leader < 0 || node(leader) == null) {
            requestUpdate();
            return -1;
        }
        return leader;
    }

    /**
     * The leader epoch the partition's current leader was named with, or -1 when unknown (then brokers skip the
     * epoch check, as for a client that sends none).
     */
    public int leaderEpoch(TopicPartition tp) {
        TopicInfo t = topic(tp.topic());
        if (t == null || tp.partition() >= t.leaderEpochs().length) {
            return -1;
        }
        return t.leaderEpochs()[tp.partition()];
    }

    public Set<String> wantedTopics() {
        return wanted;
    }

    public boolean updateRequested() {
        return updateRequested;
    }

    public long lastUpdateMs() {
        return lastUpdateMs;
    }

    /** Ask the I/O thread for fresh metadata (after a leader error, an unknown topic, …). */
    public void requestUpdate() {
        updateRequested = true;
    }

    /**
     * The topic with its partitions, fetching it if unknown; waits at most until {@code deadlineMs}. Throws
     * Kafka's TimeoutException, TopicAuthorizationException or InvalidTopicException.
     */
    public TopicInfo awaitTopic(String name, long deadlineMs) throws InterruptedException {
        TopicInfo t = topics.get(name);
        if (t != null && t.partitionCount() > 0 && t.error() == Errors.NONE) {
            return t;
        }
        if (wanted.add(name) || t == null) {
            requestUpdate();
            wakeIo.run();
        }
        synchronized (this) {
            while (true) {
                if (authenticationError != null) {
                    AuthenticationException e = authenticationError;
                    authenticationError = null;
                    throw e;
                }
                t = topics.get(name);
                if (t != null) {
                    if (t.error() == Errors.TOPIC_AUTHORIZATION_FAILED) {
                        throw new TopicAuthorizationException(Set.of(name));
                    }
                    if (t.error() == Errors.INVALID_TOPIC_EXCEPTION) {
                        throw new InvalidTopicException(Set.of(name));
                    }
                    if (t.partitionCount() > 0) {
                        return t;
                    }
                }
                long wait = deadlineMs - System.currentTimeMillis();
                if (wait <= 0) {
                    throw new TimeoutException("Topic " + name + " not present in metadata after the configured "
                            + "max.block.ms.");
                }
                requestUpdate();
                wakeIo.run();
                wait(wait);
            }
        }
    }

    /** A connection failed to authenticate (I/O thread): a waiting or the next {@link #awaitTopic} throws it. */
    public synchronized void authenticationFailed(AuthenticationException e) {
        authenticationError = e;
        notifyAll();
    }

    /** Applies a Metadata response (I/O thread). */
    public void update(MetadataResponseData response, long nowMs) {
        Map<Integer, Node> newNodes = new HashMap<>();
        for (MetadataResponseData.MetadataResponseBroker b : response.brokers()) {
            newNodes.put(b.nodeId(), new Node(b.nodeId(), b.host(), b.port(), b.rack()));
        }
        Map<String, TopicInfo> newTopics = new HashMap<>(topics);
        Map<Uuid, String> names = new HashMap<>(topicNames);
        boolean missing = false;
        for (MetadataResponseData.MetadataResponseTopic t : response.topics()) {
            Errors error = Errors.forCode(t.errorCode());
            if (t.name() == null) {
                continue;
            }
            if (error != Errors.NONE && error != Errors.TOPIC_AUTHORIZATION_FAILED
                    && error != Errors.INVALID_TOPIC_EXCEPTION) {
                missing = true; // UNKNOWN_TOPIC_OR_PARTITION, LEADER_NOT_AVAILABLE (being created): ask again
                TopicInfo old = newTopics.get(t.name());
                if (old == null) {
                    newTopics.put(t.name(), new TopicInfo(t.name(), t.topicId(), error, new int[0], new int[0],
                            List.of()));
                }
                continue;
            }
            int n = t.partitions().size();
            int[] leaders = new int[n];
            int[] epochs = new int[n];
            PartitionInfo[] infos = new PartitionInfo[n];
            TopicInfo previous = sameTopic(topics.get(t.name()), t.topicId());
            for (MetadataResponseData.MetadataResponsePartition p : t.partitions()) {
                int idx = p.partitionIndex();
                if (idx >= n) {
                    continue;
                }
                if (isStale(previous, idx, p.leaderEpoch())) {
                    // This broker is behind the one we heard from before: keep the newer leadership.
                    leaders[idx] = previous.leaders()[idx];
                    epochs[idx] = previous.leaderEpochs()[idx];
                    infos[idx] = partitionInfo(previous, idx);
                    missing = true; // ask again, likely another broker
                    continue;
                }
                Errors pe = Errors.forCode(p.errorCode());
                int leader = pe == Errors.NONE || pe == Errors.REPLICA_NOT_AVAILABLE ? p.leaderId() : -1;
                leaders[idx] = leader;
                epochs[idx] = p.leaderEpoch();
                if (leader < 0) {
                    missing = true;
                }
                infos[idx] = new PartitionInfo(t.name(), idx, newNodes.get(leader), toNodes(p.replicaNodes(), newNodes),
                        toNodes(p.isrNodes(), newNodes), toNodes(p.offlineReplicas(), newNodes));
            }
            List<PartitionInfo> list = new ArrayList<>();
            for (PartitionInfo pi : infos) {
                if (pi != null) {
                    list.add(pi);
                }
            }
            newTopics.put(t.name(), new TopicInfo(t.name(), t.topicId(), error, leaders, epochs, List.copyOf(list)));
            if (t.topicId() != null && !Uuid.ZERO_UUID.equals(t.topicId())) {
                names.put(t.topicId(), t.name());
            }
        }
        synchronized (this) {
            nodes = Map.copyOf(newNodes);
            topics = newTopics;
            topicNames = names;
            clusterId = response.clusterId();
            cluster = null;
            lastUpdateMs = nowMs;
            updateRequested = missing;
            authenticationError = null;
            notifyAll();
        }
    }

    /** A kafka-clients {@link Cluster} view, for custom partitioners and {@code partitionsFor}. */
    public Cluster cluster() {
        Cluster c = cluster;
        if (c == null) {
            List<PartitionInfo> all = new ArrayList<>();
            for (TopicInfo t : topics.values()) {
                all.addAll(t.partitions());
            }
            c = new Cluster(clusterId, nodes.values(), all, Set.of(), Set.of());
            cluster = c;
        }
        return c;
    }

    /** The cached topic if it is the same topic (same id, or an id unknown on either side), else null. */
    private static TopicInfo sameTopic(TopicInfo cached, Uuid id) {
        if (cached == null || cached.leaderEpochs().length == 0) {
            return null;
        }
        boolean known = id != null && !Uuid.ZERO_UUID.equals(id);
        boolean cachedKnown = cached.id() != null && !Uuid.ZERO_UUID.equals(cached.id());
        return known && cachedKnown && !id.equals(cached.id()) ? null : cached;
    }

    /** Whether a response's leader epoch for partition {@code idx} is older than the one cached. */
    static boolean isStale(TopicInfo previous, int idx, int epoch) {
        if (previous == null || idx >= previous.leaderEpochs().length) {
            return false;
        }
        int cached = previous.leaderEpochs()[idx];
        return epoch >= 0 && cached >= 0 && epoch < cached;
    }

    private static PartitionInfo partitionInfo(TopicInfo t, int idx) {
        for (PartitionInfo p : t.partitions()) {
            if (p.partition() == idx) {
                return p;
            }
        }
        return null;
    }

    /** Node ids as Metadata lists them → nodes; an id with no broker entry becomes a placeholder node. */
    static Node[] toNodes(List<Integer> ids, Map<Integer, Node> nodes) {
        Node[] out = new Node[ids.size()];
        for (int i = 0; i < out.length; i++) {
            Node n = nodes.get(ids.get(i));
            out[i] = n != null ? n : new Node(ids.get(i), "", -1);
        }
        return out;
    }
}
