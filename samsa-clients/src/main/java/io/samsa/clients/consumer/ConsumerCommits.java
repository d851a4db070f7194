package io.samsa.clients.consumer;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.clients.consumer.RetriableCommitFailedException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidGroupIdException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;

import io.samsa.clients.consumer.group.GroupMember;
import io.samsa.clients.consumer.group.Offsets;
import io.samsa.clients.consumer.io.Waiter;
import io.samsa.clients.consumer.state.SubscriptionState;

/**
 * The consumer's committed offsets: sync and async commits, auto-commit, the commit before a revocation, and
 * reading committed offsets. Commit callbacks run on the application thread, in the next call that runs
 * {@link #runCompletions} (poll, commitSync, commitAsync, close). Application thread only (under
 * {@link ConsumerGuard}); the futures complete on the I/O thread, which only queues the callbacks.
 */
final class ConsumerCommits {
    private final ConsumerSettings settings;
    private final SubscriptionState subscriptions;
    private final GroupMember group;
    private final Offsets offsets;
    private final Waiter waiter;
    private final DeadlineRetry retry;
    private final ConcurrentLinkedQueue<Runnable> completions = new ConcurrentLinkedQueue<>();
    private long nextAutoCommitMs;

    /** {@code group} and {@code offsets} are null without a group.id. */
    ConsumerCommits(ConsumerSettings settings, SubscriptionState subscriptions, GroupMember group, Offsets offsets,
                    Waiter waiter, DeadlineRetry retry) {
        this.settings = settings;
        this.subscriptions = subscriptions;
        this.group = group;
        this.offsets = offsets;
        this.waiter = waiter;
        this.retry = retry;
        this.nextAutoCommitMs = System.currentTimeMillis() + settings.autoCommitIntervalMs();
    }

    static void requireGroup(GroupMember group, String what) {
        if (group == null) {
            throw new InvalidGroupIdException("To use the group management or offset commit APIs, you must "
                    + "provide a valid group.id in the consumer configuration (" + what + ").");
        }
    }

    /** The positions of the assigned partitions that have one, as offsets to commit. */
    Map<TopicPartition, OffsetAndMetadata> consumedOffsets() {
        Map<TopicPartition, OffsetAndMetadata> out = new LinkedHashMap<>();
        subscriptions.snapshotWithPositions().forEach((tp, s) -> out.put(tp, new OffsetAndMetadata(s.position(),
                s.leaderEpoch() >= 0 ? Optional.of(s.leaderEpoch()) : Optional.empty(), "")));
        return out;
    }

    /** Before partitions are revoked: commit what was consumed, with auto-commit on. */
    void commitBeforeRevoke() {
        if (settings.autoCommit()) {
            Map<TopicPartition, OffsetAndMetadata> o = consumedOffsets();
            if (!o.isEmpty()) {
                commitSync(o, Duration.ofMillis(settings.requestTimeoutMs()));
            }
        }
    }

    void maybeAutoCommit(long now) {
        if (!settings.autoCommit() || now < nextAutoCommitMs) {
            return;
        }
        nextAutoCommitMs = now + settings.autoCommitIntervalMs();
        if (subscriptions.isGroupManaged() && (!group.isStable() || group.rejoinNeeded())) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> o = consumedOffsets();
        if (!o.isEmpty() && group.coordinator().connection() != null) {
            sendCommit(o, null);
        }
    }

    void commitSync(Map<TopicPartition, OffsetAndMetadata> offsetsToCommit, Duration timeout) {
        requireGroup(group, "commitSync");
        runCompletions();
        if (offsetsToCommit.isEmpty()) {
            return;
        }
        long deadline = DeadlineRetry.deadline(System.currentTimeMillis(), timeout);
        retry.until(deadline, DeadlineRetry.OnTimeout.GIVE_UP, () -> {
            if (!ensureCoordinator(deadline)) {
                throw new TimeoutException("coordinator not found");
            }
            return waiter.get(offsets.commit(offsetsToCommit, subscriptions.isGroupManaged()), deadline,
                    "committing offsets " + offsetsToCommit);
        }, () -> new TimeoutException("Timeout of " + timeout.toMillis() + "ms expired before successfully "
                + "committing offsets " + offsetsToCommit));
    }

    void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsetsToCommit, OffsetCommitCallback callback) {
        requireGroup(group, "commitAsync");
        runCompletions();
        Map<TopicPartition, OffsetAndMetadata> copy = Map.copyOf(offsetsToCommit);
        if (group.coordinator().connection() == null) {
            try {
                ensureCoordinator(System.currentTimeMillis() + settings.requestTimeoutMs());
            } catch (RuntimeException e) {
                // reported through the callback below
            }
        }
        sendCommit(copy, callback);
    }

    private void sendCommit(Map<TopicPartition, OffsetAndMetadata> o, OffsetCommitCallback callback) {
        CompletableFuture<Void> f = offsets.commit(o, subscriptions.isGroupManaged());
        f.whenComplete((v, e) -> {
            if (callback == null) {
                return;
            }
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            Exception ex = cause == null ? null : cause instanceof RetriableException
                    ? new RetriableCommitFailedException(cause) : cause instanceof Exception x ? x
                    : new KafkaException(cause);
            completions.add(() -> callback.onComplete(o, ex));
            waiter.signal();
        });
    }

    /** Runs the callbacks of finished async commits. */
    void runCompletions() {
        Runnable r;
        while ((r = completions.poll()) != null) {
            r.run();
        }
    }

    Map<TopicPartition, OffsetAndMetadata> committed(Set<TopicPartition> partitions, Duration timeout) {
        requireGroup(group, "committed");
        if (partitions.isEmpty()) {
            return Map.of();
        }
        Map<TopicPartition, OffsetAndMetadata> found = fetchCommitted(partitions,
                DeadlineRetry.deadline(System.currentTimeMillis(), timeout));
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        for (TopicPartition tp : partitions) {
            out.put(tp, found.get(tp));
        }
        return out;
    }

    /** The committed offsets of {@code partitions}; TimeoutException at the deadline. */
    Map<TopicPartition, OffsetAndMetadata> fetchCommitted(Set<TopicPartition> partitions, long deadline) {
        return retry.until(deadline, DeadlineRetry.OnTimeout.GIVE_UP, () -> {
            if (!ensureCoordinator(deadline)) {
                throw new TimeoutException("coordinator not found");
            }
            return waiter.get(offsets.fetch(partitions), deadline, "fetching committed offsets of " + partitions);
        }, () -> new TimeoutException("Timeout expired while fetching committed offsets of " + partitions));
    }

    private boolean ensureCoordinator(long deadline) {
        return group.coordinator().connection() != null || group.coordinator().ensureKnown(deadline);
    }
}
