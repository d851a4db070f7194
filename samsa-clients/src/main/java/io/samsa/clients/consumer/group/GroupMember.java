package io.samsa.clients.consumer.group;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.samsa.clients.consumer.io.ConsumerIo;
import io.samsa.clients.consumer.io.Waiter;
import io.samsa.clients.consumer.state.SubscriptionState;
import io.samsa.clients.metadata.MetadataCache;
import io.samsa.protocol.consumer.ConsumerProtocolCodec;

/**
 * A classic-protocol group member. States: UNJOINED → JOINING (JoinGroup in flight) → SYNCING (SyncGroup in
 * flight) → STABLE, and back to UNJOINED when a rebalance starts or the member is fenced. {@link #poll} advances it
 * on the application thread without waiting past the caller's deadline (a join that takes longer continues in the
 * next poll); the {@link Heartbeat} participant keeps it alive from the I/O thread and raises the flags that make
 * the next poll rejoin.
 */
public final class GroupMember {
    private static final Logger LOG = LoggerFactory.getLogger(GroupMember.class);

    /** What membership needs from the configuration. */
    public record Settings(String groupId, String groupInstanceId, int sessionTimeoutMs, int maxPollIntervalMs,
                           int heartbeatIntervalMs, long retryBackoffMs, long requestTimeoutMs, String rack,
                           List<ConsumerPartitionAssignor> assignors) {
    }

    /** Generation and member id as the coordinator gave them; replaced whole. */
    public record Generation(int id, String memberId, String protocol) {
        public static final Generation NONE = new Generation(-1, "", null);
    }

    enum State { UNJOINED, JOINING, SYNCING, STABLE }

    /** Hooks into the consumer: commit before giving partitions up. */
    public interface Callbacks {
        /** Synchronously commit what was consumed (auto-commit on), before a rebalance or leaving. */
        void commitBeforeRevoke();
    }

    final Settings settings;
    final Coordinator coordinator;
    private final ConsumerIo io;
    private final Waiter waiter;
    private final MetadataCache metadata;
    private final SubscriptionState subscriptions;
    private final Callbacks callbacks;
    private final boolean cooperative;
    volatile State state = State.UNJOINED;
    volatile Generation generation = Generation.NONE;
    /** Set by heartbeats (rebalance in progress) or metadata (pattern matches changed): rejoin in the next poll. */
    volatile boolean rejoinNeeded = true;
    /** Set by heartbeats when the coordinator no longer knows this generation: partitions are lost. */
    volatile boolean fenced;
    volatile long lastPollMs = System.currentTimeMillis();
    private boolean prepared;
    private CompletableFuture<ConsumerIo.Response> pending;
    private long nextJoinAttemptMs;
    private final Heartbeat heartbeat;

    public GroupMember(Settings settings, ConsumerIo io, SubscriptionState subscriptions, Callbacks callbacks) {
        this.settings = settings;
        this.io = io;
        this.waiter = io.waiter();
        this.metadata = io.metadata();
        this.subscriptions = subscriptions;
        this.callbacks = callbacks;
        this.coordinator = new Coordinator(settings.groupId(), io, settings.retryBackoffMs());
        boolean coop = !settings.assignors().isEmpty();
        for (ConsumerPartitionAssignor a : settings.assignors()) {
            coop &= a.supportedProtocols().contains(ConsumerPartitionAssignor.RebalanceProtocol.COOPERATIVE);
        }
        this.cooperative = coop;
        this.heartbeat = new Heartbeat(this, io);
        io.addParticipant(heartbeat);
    }

    ConsumerIo io() {
        return io;
    }

    public Coordinator coordinator() {
        return coordinator;
    }

    public Generation generation() {
        return generation;
    }

    public boolean isStable() {
        return state == State.STABLE;
    }

    public boolean rejoinNeeded() {
        return rejoinNeeded || fenced;
    }

    public ConsumerGroupMetadata groupMetadata() {
        Generation g = generation;
        return new ConsumerGroupMetadata(settings.groupId(), g.id(), g.memberId(),
                Optional.ofNullable(settings.groupInstanceId()));
    }

    public void requestRejoin() {
        rejoinNeeded = true;
    }

    /**
     * Advances membership until stable or {@code deadlineMs}; true when stable with no rejoin pending. Runs
     * rebalance listener callbacks.
     */
    public boolean poll(long nowMs, long deadlineMs) {
        lastPollMs = nowMs;
        if (fenced) {
            fenced = false;
            generation = new Generation(-1, generation.memberId(), null);
            state = State.UNJOINED;
            pending = null;
            partitionsLost();
        }
        if (subscriptions.mode() == SubscriptionState.Mode.SUBSCRIBED_PATTERN
                && subscriptions.matchedTopics(validTopics())) {
            rejoinNeeded = true;
        }
        while (true) {
            if (state == State.STABLE && !rejoinNeeded && !fenced) {
                return true;
            }
            if (coordinator.connection() == null) {
                if (state == State.JOINING || state == State.SYNCING) {
                    state = State.UNJOINED;
                    pending = null;
                }
                if (!coordinator.ensureKnown(deadlineMs)) {
                    return false;
                }
            }
            switch (state) {
                case STABLE -> {
                    state = State.UNJOINED;
                    prepared = false;
                }
                case UNJOINED -> {
                    if (!prepared) {
                        prepareJoin();
                        prepared = true;
                    }
                    long now = System.currentTimeMillis();
                    if (now < nextJoinAttemptMs) {
                        if (!waiter.await(() -> false, Math.min(deadlineMs, nextJoinAttemptMs))
                                && System.currentTimeMillis() >= deadlineMs) {
                            return false;
                        }
                        continue;
                    }
                    rejoinNeeded = false;
                    sendJoin();
                    state = State.JOINING;
                }
                case JOINING, SYNCING -> {
                    if (!waiter.await(pending::isDone, deadlineMs)) {
                        return false;
                    }
                    CompletableFuture<ConsumerIo.Response> f = pending;
                    pending = null;
                    ConsumerIo.Response r;
                    try {
                        r = f.join();
                    } catch (RuntimeException e) {
                        LOG.debug("{} failed: {}", state, e.toString());
                        coordinator.markUnknown();
                        state = State.UNJOINED;
                        continue;
                    }
                    if (state == State.JOINING) {
                        onJoinResponse((JoinGroupResponseData) r.body(), deadlineMs);
                    } else {
                        onSyncResponse((SyncGroupResponseData) r.body());
                    }
                }
                default -> throw new IllegalStateException(state.toString());
            }
        }
    }

    private Collection<String> validTopics() {
        List<String> out = new ArrayList<>();
        for (String t : metadata.topicNames()) {
            MetadataCache.TopicInfo info = metadata.topic(t);
            if (info != null && info.error() == Errors.NONE && !t.startsWith("__")) {
                out.add(t);
            }
        }
        return out;
    }

    /** Before (re)joining: commit, and give up partitions (all of them, unless cooperative). */
    private void prepareJoin() {
        Set<TopicPartition> owned = subscriptions.assignment();
        if (owned.isEmpty()) {
            return;
        }
        if (generation.id() < 0) {
            partitionsLost();
            return;
        }
        if (!cooperative) {
            try {
                callbacks.commitBeforeRevoke();
            } catch (RuntimeException e) {
                LOG.warn("Commit before rebalance failed: {}", e.toString());
            }
            revoke(owned);
        }
    }

    private void partitionsLost() {
        Set<TopicPartition> owned = subscriptions.assignment();
        subscriptions.assignFromGroup(List.of());
        ConsumerRebalanceListener l = subscriptions.listener();
        if (l != null && !owned.isEmpty()) {
            l.onPartitionsLost(new TreeSet<>(ordered(owned)));
        }
    }

    private void revoke(Collection<TopicPartition> partitions) {
        Set<TopicPartition> keep = new LinkedHashSet<>(subscriptions.assignment());
        keep.removeAll(partitions);
        subscriptions.assignFromGroup(keep);
        ConsumerRebalanceListener l = subscriptions.listener();
        if (l != null) {
            l.onPartitionsRevoked(ordered(partitions));
        }
    }

    private static Collection<TopicPartition> ordered(Collection<TopicPartition> tps) {
        TreeSet<TopicPartition> s = new TreeSet<>((a, b) -> a.topic().equals(b.topic())
                ? Integer.compare(a.partition(), b.partition()) : a.topic().compareTo(b.topic()));
        s.addAll(tps);
        return s;
    }

    private void sendJoin() {
        Set<String> topics = subscriptions.subscription();
        metadata.wantedTopics().addAll(topics);
        List<String> sorted = new ArrayList<>(topics);
        JoinGroupRequestData.JoinGroupRequestProtocolCollection protocols =
                new JoinGroupRequestData.JoinGroupRequestProtocolCollection();
        List<TopicPartition> owned = subscriptions.assignedList();
        for (ConsumerPartitionAssignor a : settings.assignors()) {
            ByteBuffer userData = a.subscriptionUserData(topics);
            protocols.add(new JoinGroupRequestData.JoinGroupRequestProtocol().setName(a.name())
                    .setMetadata(ConsumerProtocolCodec.subscription(sorted, userData, owned, generation.id(),
                            settings.rack())));
        }
        Generation g = generation;
        pending = coordinator.send(ApiKeys.JOIN_GROUP, version -> {
            JoinGroupRequestData req = new JoinGroupRequestData().setGroupId(settings.groupId())
                    .setSessionTimeoutMs(settings.sessionTimeoutMs()).setMemberId(g.memberId())
                    .setProtocolType("consumer").setProtocols(protocols.duplicate());
            if (version >= 1) {
                req.setRebalanceTimeoutMs(settings.maxPollIntervalMs());
            }
            if (version >= 5 && settings.groupInstanceId() != null) {
                req.setGroupInstanceId(settings.groupInstanceId());
            }
            if (version >= 8) {
                req.setReason("samsa consumer joining");
            }
            return req;
        });
    }

    private void onJoinResponse(JoinGroupResponseData data, long deadlineMs) {
        Errors error = Errors.forCode(data.errorCode());
        switch (error) {
            case NONE -> {
                generation = new Generation(data.generationId(), data.memberId(), data.protocolName());
                Map<String, ByteBuffer> assignments = Map.of();
                if (data.leader().equals(data.memberId())) {
                    assignments = assign(data, deadlineMs);
                }
                sendSync(assignments);
                state = State.SYNCING;
            }
            case MEMBER_ID_REQUIRED -> {
                generation = new Generation(-1, data.memberId(), null);
                state = State.UNJOINED;
            }
            case UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID -> {
                generation = Generation.NONE;
                state = State.UNJOINED;
            }
            case COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR -> {
                coordinator.markUnknown();
                state = State.UNJOINED;
            }
            case REBALANCE_IN_PROGRESS, COORDINATOR_LOAD_IN_PROGRESS, ILLEGAL_GENERATION -> {
                nextJoinAttemptMs = System.currentTimeMillis() + settings.retryBackoffMs();
                state = State.UNJOINED;
            }
            default -> {
                state = State.UNJOINED;
                throw error.exception("JoinGroup for group " + settings.groupId() + " failed");
            }
        }
    }

    private Map<String, ByteBuffer> assign(JoinGroupResponseData data, long deadlineMs) {
        ConsumerPartitionAssignor assignor = null;
        for (ConsumerPartitionAssignor a : settings.assignors()) {
            if (a.name().equals(data.protocolName())) {
                assignor = a;
            }
        }
        if (assignor == null) {
            throw new IllegalStateException("Coordinator chose unknown assignor " + data.protocolName());
        }
        Map<String, ConsumerPartitionAssignor.Subscription> subscriptionsByMember = new HashMap<>();
        Set<String> allTopics = new HashSet<>();
        for (JoinGroupResponseData.JoinGroupResponseMember m : data.members()) {
            ConsumerPartitionAssignor.Subscription s = ConsumerProtocolCodec.readSubscription(m.metadata());
            s.setGroupInstanceId(Optional.ofNullable(m.groupInstanceId()));
            subscriptionsByMember.put(m.memberId(), s);
            allTopics.addAll(s.topics());
        }
        long metadataDeadline = Math.min(Math.max(deadlineMs, System.currentTimeMillis() + 1000),
                System.currentTimeMillis() + settings.requestTimeoutMs());
        for (String t : allTopics) {
            try {
                metadata.awaitTopic(t, metadataDeadline);
            } catch (TimeoutException e) {
                LOG.info("Topic {} has no metadata; assigning without it", t);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new org.apache.kafka.common.errors.InterruptException(e);
            } catch (KafkaException e) {
                LOG.info("Topic {}: {}", t, e.toString());
            }
        }
        ConsumerPartitionAssignor.GroupAssignment ga = assignor.assign(metadata.cluster(),
                new ConsumerPartitionAssignor.GroupSubscription(subscriptionsByMember));
        Map<String, ByteBuffer> out = new HashMap<>();
        for (Map.Entry<String, ConsumerPartitionAssignor.Assignment> e : ga.groupAssignment().entrySet()) {
            out.put(e.getKey(), ByteBuffer.wrap(ConsumerProtocolCodec.assignment(e.getValue())));
        }
        LOG.info("Group {} generation {}: leader assigned {}", settings.groupId(), data.generationId(),
                ga.groupAssignment());
        return out;
    }

    private void sendSync(Map<String, ByteBuffer> assignments) {
        Generation g = generation;
        pending = coordinator.send(ApiKeys.SYNC_GROUP, version -> {
            List<SyncGroupRequestData.SyncGroupRequestAssignment> list = new ArrayList<>();
            assignments.forEach((member, bytes) -> list.add(new SyncGroupRequestData.SyncGroupRequestAssignment()
                    .setMemberId(member).setAssignment(bytes.array())));
            SyncGroupRequestData req = new SyncGroupRequestData().setGroupId(settings.groupId())
                    .setGenerationId(g.id()).setMemberId(g.memberId()).setAssignments(list);
            if (version >= 3 && settings.groupInstanceId() != null) {
                req.setGroupInstanceId(settings.groupInstanceId());
            }
            if (version >= 5) {
                req.setProtocolType("consumer").setProtocolName(g.protocol());
            }
            return req;
        });
    }

    private void onSyncResponse(SyncGroupResponseData data) {
        Errors error = Errors.forCode(data.errorCode());
        switch (error) {
            case NONE -> onAssignment(ConsumerProtocolCodec.readAssignment(data.assignment()));
            case REBALANCE_IN_PROGRESS -> state = State.UNJOINED;
            case UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION, FENCED_INSTANCE_ID -> {
                generation = error == Errors.UNKNOWN_MEMBER_ID ? Generation.NONE
                        : new Generation(-1, generation.memberId(), null);
                state = State.UNJOINED;
            }
            case COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR -> {
                coordinator.markUnknown();
                state = State.UNJOINED;
            }
            default -> {
                state = State.UNJOINED;
                throw error.exception("SyncGroup for group " + settings.groupId() + " failed");
            }
        }
    }

    private void onAssignment(ConsumerPartitionAssignor.Assignment assignment) {
        Set<TopicPartition> owned = subscriptions.assignment();
        Set<TopicPartition> next = new LinkedHashSet<>(assignment.partitions());
        Set<TopicPartition> revoked = new LinkedHashSet<>(owned);
        revoked.removeAll(next);
        Set<TopicPartition> added = new LinkedHashSet<>(next);
        added.removeAll(owned);
        state = State.STABLE;
        heartbeat.reset(System.currentTimeMillis());
        for (ConsumerPartitionAssignor a : settings.assignors()) {
            if (a.name().equals(generation.protocol())) {
                a.onAssignment(assignment, groupMetadata());
            }
        }
        LOG.info("Group {} generation {}: member {} assigned {}", settings.groupId(), generation.id(),
                generation.memberId(), next);
        if (!revoked.isEmpty()) {
            // cooperative: give these up now, then rejoin so the leader can hand them to others
            try {
                callbacks.commitBeforeRevoke();
            } catch (RuntimeException e) {
                LOG.warn("Commit before revoking failed: {}", e.toString());
            }
            revoke(revoked);
            rejoinNeeded = true;
        }
        subscriptions.assignFromGroup(next);
        ConsumerRebalanceListener l = subscriptions.listener();
        if (l != null) {
            l.onPartitionsAssigned(ordered(added));
        }
    }

    /** Leaves the group (close, unsubscribe): revokes (after committing), then LeaveGroup, bounded by deadline. */
    public void leave(long deadlineMs, String reason) {
        Set<TopicPartition> owned = subscriptions.assignment();
        if (!owned.isEmpty() && generation.id() >= 0 && !fenced) {
            try {
                callbacks.commitBeforeRevoke();
            } catch (RuntimeException e) {
                LOG.warn("Commit before leaving failed: {}", e.toString());
            }
            revoke(owned);
        } else if (!owned.isEmpty()) {
            partitionsLost();
        }
        Generation g = generation;
        state = State.UNJOINED;
        generation = Generation.NONE;
        rejoinNeeded = true;
        prepared = false;
        if (g.memberId().isEmpty() || coordinator.connection() == null || settings.groupInstanceId() != null) {
            return;
        }
        CompletableFuture<ConsumerIo.Response> f = coordinator.send(ApiKeys.LEAVE_GROUP, version -> version >= 3
                ? new LeaveGroupRequestData().setGroupId(settings.groupId()).setMembers(List.of(
                        new LeaveGroupRequestData.MemberIdentity().setMemberId(g.memberId())
                                .setReason(version >= 5 ? reason : null)))
                : new LeaveGroupRequestData().setGroupId(settings.groupId()).setMemberId(g.memberId()));
        try {
            waiter.await(f::isDone, deadlineMs);
        } catch (RuntimeException e) {
            LOG.debug("LeaveGroup: {}", e.toString());
        }
    }

    /** Called by the heartbeat thread when max.poll.interval.ms passed without a poll. */
    void leaveForPollTimeout() {
        Generation g = generation;
        LOG.warn("Consumer poll timeout has expired: more than max.poll.interval.ms ({} ms) passed between polls; "
                + "leaving group {}", settings.maxPollIntervalMs(), settings.groupId());
        fenced = true;
        rejoinNeeded = true;
        if (!g.memberId().isEmpty()) {
            coordinator.send(ApiKeys.LEAVE_GROUP, version -> version >= 3
                    ? new LeaveGroupRequestData().setGroupId(settings.groupId()).setMembers(List.of(
                            new LeaveGroupRequestData.MemberIdentity().setMemberId(g.memberId())))
                    : new LeaveGroupRequestData().setGroupId(settings.groupId()).setMemberId(g.memberId()));
        }
    }
}
