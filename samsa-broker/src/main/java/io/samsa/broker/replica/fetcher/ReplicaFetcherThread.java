package io.samsa.broker.replica.fetcher;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchRequestData.FetchPartition;
import org.apache.kafka.common.message.FetchRequestData.FetchTopic;
import org.apache.kafka.common.message.FetchRequestData.ReplicaState;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FetchResponseData.FetchableTopicResponse;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.samsa.broker.replica.Partition;
import io.samsa.broker.replica.PartitionKey;
import io.samsa.broker.replica.ReplicationSettings;
import io.samsa.log.EpochEndOffset;
import io.samsa.network.client.NetworkIo;
import io.samsa.network.client.ResponseHandler;
import io.samsa.protocol.WireCodec;

/**
 * Fetches this broker's follower partitions of one leader broker ({@code samsa-replica-fetcher-<leaderId>}), one
 * Fetch in flight at a time: per partition the fetch offset is the log end, the last fetched epoch the log's latest
 * leader epoch, the current leader epoch the one the metadata gave. For each partition of the response:
 * <ul>
 *   <li>records: appended as they are ({@link Partition#appendAsFollower}); the high watermark becomes the smaller
 *       of the leader's and our log end;</li>
 *   <li>a diverging epoch: the tail is truncated ({@link TruncationRule}) and the next fetch goes on from there;</li>
 *   <li>OFFSET_OUT_OF_RANGE: below the leader's log start → the log restarts empty at it; otherwise our log is
 *       beyond the leader's end (no epoch to compare: an empty epoch cache) → truncated to the leader's high
 *       watermark, which both logs share, and fetched on from there;</li>
 *   <li>any other error (NOT_LEADER_OR_FOLLOWER, FENCED/UNKNOWN_LEADER_EPOCH while the metadata catches up, …): the
 *       partition pauses for {@code replica.fetch.backoff.ms}; a new target from the metadata replaces it.</li>
 * </ul>
 * A lost connection or a timed-out fetch: the client backs off {@code replica.fetch.backoff.ms} and reconnects to
 * the address {@link BrokerAddresses} gives then.
 *
 * <p>Threads: everything but {@link #addPartition}, {@link #removePartition}, {@link #shutdown} and
 * {@link #maxLag} runs on this thread. A response is applied under {@code applying}; a removal takes that lock
 * after taking the partition out, so it returns only once no append of the partition is running.
 */
final class ReplicaFetcherThread extends Thread {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaFetcherThread.class);
    private static final short MIN_FETCH_VERSION = 15;
    private static final long IDLE_POLL_MS = 100;

    /** A partition's target and when it may be fetched again (after an error). Immutable; replaced by CAS. */
    private record State(FetchTarget target, long delayedUntilMs) {
    }

    private final int leaderId;
    private final int localNodeId;
    private final ReplicationSettings settings;
    private final BrokerAddresses addresses;
    private final Function<PartitionKey, Optional<Partition>> partitions;
    private final NetworkIo io;
    private final Map<PartitionKey, State> states = new ConcurrentHashMap<>();
    private final Map<PartitionKey, Long> lags = new ConcurrentHashMap<>();
    private final ReentrantLock applying = new ReentrantLock();
    private volatile boolean running = true;
    /** This thread only: a fetch is on the wire. */
    private boolean inFlight;

    ReplicaFetcherThread(int leaderId, int localNodeId, ReplicationSettings settings, BrokerAddresses addresses,
                         Function<PartitionKey, Optional<Partition>> partitions) {
        super("samsa-replica-fetcher-" + leaderId);
        setDaemon(true);
        this.leaderId = leaderId;
        this.localNodeId = localNodeId;
        this.settings = settings;
        this.addresses = addresses;
        this.partitions = partitions;
        this.io = addresses.newNetworkIo("samsa-replica-fetcher-" + localNodeId, settings.socketTimeoutMs(),
                settings.fetchBackoffMs(), 0);
    }

    /** Fetches the partition at the target's epoch; a partition already fetched at that epoch is left as it is. */
    void addPartition(PartitionKey key, FetchTarget target) {
        states.compute(key, (k, old) -> old != null && old.target().leaderEpoch() == target.leaderEpoch()
                && old.target().leaderId() == target.leaderId() ? old : new State(target, 0L));
        io.wakeup();
    }

    /** Stops fetching the partition; returns once no response is being applied to it. */
    void removePartition(PartitionKey key) {
        states.remove(key);
        lags.remove(key);
        applying.lock();
        applying.unlock();
        io.wakeup();
    }

    int partitionCount() {
        return states.size();
    }

    long maxLag() {
        long max = 0;
        for (long lag : lags.values()) {
            max = Math.max(max, lag);
        }
        return max;
    }

    /** Stops the thread and waits for it (bounded). */
    void shutdown() {
        running = false;
        io.wakeup();
        if (Thread.currentThread() != this) {
            try {
                join(settings.socketTimeoutMs());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void run() {
        try {
            while (running) {
                long now = System.currentTimeMillis();
                long pollMs = IDLE_POLL_MS;
                if (!inFlight && !states.isEmpty()) {
                    addresses.address(leaderId).ifPresent(this::useAddress);
                    if (io.ensureConnected(leaderId, now)) {
                        pollMs = maybeSendFetch(now);
                    }
                }
                io.poll(pollMs, now);
            }
        } catch (RuntimeException | Error e) {
            LOG.error("Replica fetcher for leader {} stopped", leaderId, e);
            throw e;
        } finally {
            io.close();
        }
    }

    private void useAddress(InetSocketAddress address) {
        io.address(leaderId, address.getHostString(), address.getPort());
    }

    /** Sends a fetch of every partition not paused; returns how long to poll before trying again. */
    private long maybeSendFetch(long now) {
        short version = io.version(leaderId, ApiKeys.FETCH);
        if (version < MIN_FETCH_VERSION) {
            LOG.warn("Broker {} supports Fetch up to v{} only; replication needs v{}+", leaderId, version,
                    MIN_FETCH_VERSION);
            io.disconnect(leaderId, new IllegalStateException("Fetch v" + MIN_FETCH_VERSION + "+ unsupported"));
            return settings.fetchBackoffMs();
        }
        Map<PartitionKey, State> sent = new HashMap<>();
        Map<Uuid, FetchTopic> topics = new LinkedHashMap<>();
        long nextWake = now + IDLE_POLL_MS;
        for (Map.Entry<PartitionKey, State> e : states.entrySet()) {
            State s = e.getValue();
            if (s.delayedUntilMs() > now) {
                nextWake = Math.min(nextWake, s.delayedUntilMs());
                continue;
            }
            Optional<Partition> p = partitions.apply(e.getKey());
            if (p.isEmpty()) {
                continue;
            }
            PartitionKey key = e.getKey();
            topics.computeIfAbsent(key.topicId(), id -> new FetchTopic().setTopicId(id)).partitions()
                    .add(new FetchPartition()
                            .setPartition(key.partition())
                            .setCurrentLeaderEpoch(s.target().leaderEpoch())
                            .setFetchOffset(p.get().logEndOffset())
                            .setLastFetchedEpoch(p.get().log().latestEpoch())
                            .setLogStartOffset(p.get().logStartOffset())
                            .setPartitionMaxBytes(settings.fetchMaxBytes()));
            sent.put(key, s);
        }
        if (sent.isEmpty()) {
            return Math.max(1, nextWake - now);
        }
        FetchRequestData request = new FetchRequestData()
                .setReplicaState(new ReplicaState().setReplicaId(localNodeId).setReplicaEpoch(-1L))
                .setMaxWaitMs(settings.fetchWaitMaxMs())
                .setMinBytes(settings.fetchMinBytes())
                .setMaxBytes(settings.fetchResponseMaxBytes())
                .setIsolationLevel((byte) 0)
                .setSessionId(0)
                .setSessionEpoch(-1);
        request.topics().addAll(topics.values());
        inFlight = true;
        io.send(leaderId, ApiKeys.FETCH, request, true, new ResponseHandler() {
            @Override
            public void onResponse(ApiMessage body) {
                inFlight = false;
                apply((FetchResponseData) body, sent);
            }

            @Override
            public void onFailure(RuntimeException error) {
                inFlight = false;
                LOG.info("Fetch from broker {} failed: {}", leaderId, error.toString());
                delayAll(sent);
            }
        }, now);
        return IDLE_POLL_MS;
    }

    private void apply(FetchResponseData response, Map<PartitionKey, State> sent) {
        if (response.errorCode() != Errors.NONE.code()) {
            LOG.info("Fetch from broker {} failed: {}", leaderId, Errors.forCode(response.errorCode()));
            delayAll(sent);
            return;
        }
        applying.lock();
        try {
            for (FetchableTopicResponse topic : response.responses()) {
                for (PartitionData data : topic.partitions()) {
                    PartitionKey key = new PartitionKey(topic.topicId(), data.partitionIndex());
                    State s = sent.get(key);
                    if (s != null && states.get(key) == s) { // not removed or retargeted meanwhile
                        applyPartition(key, s, data);
                    }
                }
            }
        } finally {
            applying.unlock();
        }
    }

    private void applyPartition(PartitionKey key, State s, PartitionData data) {
        Optional<Partition> found = partitions.apply(key);
        if (found.isEmpty()) {
            return;
        }
        Partition p = found.get();
        int epoch = s.target().leaderEpoch();
        try {
            Errors error = Errors.forCode(data.errorCode());
            if (error == Errors.NONE && data.divergingEpoch().epoch() >= 0) {
                EpochEndOffset leaders = new EpochEndOffset(data.divergingEpoch().epoch(),
                        data.divergingEpoch().endOffset());
                long to = TruncationRule.truncationOffset(leaders, p.endOffsetForEpoch(leaders.leaderEpoch()),
                        p.logEndOffset());
                LOG.info("{}: leader {} says our tail diverges at epoch {} (ends at {}): truncating to {}", p,
                        leaderId, leaders.leaderEpoch(), leaders.endOffset(), to);
                p.truncateTo(epoch, to);
            } else if (error == Errors.NONE) {
                ByteBuffer records = WireCodec.recordsBuffer(data.records());
                if (records.hasRemaining()) {
                    p.appendAsFollower(epoch, records);
                }
                p.updateFollowerOffsets(data.highWatermark(), data.logStartOffset());
                lags.put(key, Math.max(0, data.highWatermark() - p.logEndOffset()));
            } else if (error == Errors.OFFSET_OUT_OF_RANGE) {
                outOfRange(p, epoch, data);
            } else {
                LOG.info("{}: fetch from leader {} at epoch {} failed: {}; retrying in {} ms", p, leaderId, epoch,
                        error, settings.fetchBackoffMs());
                delay(key, s);
            }
        } catch (RuntimeException e) {
            LOG.warn("{}: applying the fetch from leader {} failed; retrying in {} ms", p, leaderId,
                    settings.fetchBackoffMs(), e);
            delay(key, s);
        }
    }

    private void outOfRange(Partition p, int epoch, PartitionData data) {
        long leaderStart = data.logStartOffset();
        long ours = p.logEndOffset();
        if (leaderStart > ours) {
            LOG.info("{}: our log end {} is below leader {}'s log start {}: restarting the log there", p, ours,
                    leaderId, leaderStart);
            p.truncateFullyAndStartAt(epoch, leaderStart);
        } else if (data.highWatermark() >= 0 && data.highWatermark() < ours) {
            LOG.info("{}: our log end {} is beyond leader {}'s: truncating to its high watermark {}", p, ours,
                    leaderId, data.highWatermark());
            p.truncateTo(epoch, data.highWatermark());
        } else {
            throw new IllegalStateException("Fetch offset " + ours + " out of range at leader " + leaderId
                    + " (log start " + leaderStart + ", high watermark " + data.highWatermark() + ")");
        }
    }

    private void delayAll(Map<PartitionKey, State> sent) {
        sent.forEach(this::delay);
    }

    private void delay(PartitionKey key, State s) {
        states.replace(key, s, new State(s.target(), System.currentTimeMillis() + settings.fetchBackoffMs()));
    }
}
