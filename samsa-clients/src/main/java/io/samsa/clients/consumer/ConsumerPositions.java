package io.samsa.clients.consumer;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.NoOffsetForPartitionException;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;

import io.samsa.clients.consumer.io.ConsumerIo;
import io.samsa.clients.consumer.state.ResetStrategy;
import io.samsa.clients.consumer.state.SubscriptionState;

/**
 * Where fetching starts: a partition without a position gets its committed offset, else the reset strategy's
 * (which the I/O thread's offset resetter looks up); {@code auto.offset.reset=none} surfaces as
 * {@link NoOffsetForPartitionException}. Application thread only (under {@link ConsumerGuard}).
 */
final class ConsumerPositions {
    private final ConsumerSettings settings;
    private final SubscriptionState subscriptions;
    private final ConsumerIo io;
    /** Null without a group.id: then only the reset strategy applies. */
    private final ConsumerCommits commits;

    ConsumerPositions(ConsumerSettings settings, SubscriptionState subscriptions, ConsumerIo io,
                      ConsumerCommits commits) {
        this.settings = settings;
        this.subscriptions = subscriptions;
        this.io = io;
        this.commits = commits;
    }

    /** Partitions without a position get their committed offset, or the reset strategy's. */
    void update(long deadline) {
        List<TopicPartition> missing = subscriptions.withoutPosition();
        if (!missing.isEmpty()) {
            Map<TopicPartition, OffsetAndMetadata> committed = Map.of();
            if (commits != null) {
                try {
                    committed = commits.fetchCommitted(new HashSet<>(missing), Math.min(deadline,
                            System.currentTimeMillis() + settings.defaultApiTimeoutMs()));
                } catch (TimeoutException e) {
                    return; // try again in the next poll
                }
            }
            for (TopicPartition tp : missing) {
                if (!subscriptions.isAssigned(tp) || subscriptions.position(tp) != null) {
                    continue;
                }
                OffsetAndMetadata c = committed.get(tp);
                if (c != null) {
                    subscriptions.seek(tp, c.offset());
                } else {
                    subscriptions.requestReset(tp, subscriptions.defaultReset());
                }
            }
            io.wakeup();
        }
        List<TopicPartition> none = subscriptions.needingUserReset();
        if (!none.isEmpty()) {
            throw new NoOffsetForPartitionException(none);
        }
    }

    void seek(TopicPartition partition, long offset) {
        subscriptions.seek(partition, offset);
        io.wakeup();
    }

    /** Seeks to the beginning or end: {@code partitions}, or every assigned partition if empty. */
    void reset(Collection<TopicPartition> partitions, ResetStrategy strategy) {
        Collection<TopicPartition> which = partitions.isEmpty() ? subscriptions.assignment() : partitions;
        for (TopicPartition tp : which) {
            subscriptions.requestReset(tp, strategy);
        }
        io.wakeup();
    }

    /** The partition's position, found first if needed; TimeoutException after {@code timeout}. */
    long position(TopicPartition partition, Duration timeout) {
        long deadline = DeadlineRetry.deadline(System.currentTimeMillis(), timeout);
        while (true) {
            Long p = subscriptions.position(partition);
            if (p != null) {
                return p;
            }
            update(deadline);
            if (!io.waiter().await(() -> subscriptions.position(partition) != null
                    || !subscriptions.needingUserReset().isEmpty(), deadline)) {
                throw new TimeoutException("Timeout of " + timeout.toMillis() + "ms expired before the position "
                        + "for partition " + partition + " could be determined");
            }
        }
    }
}
