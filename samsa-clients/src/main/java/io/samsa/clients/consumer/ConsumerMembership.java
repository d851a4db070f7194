package io.samsa.clients.consumer;

import java.time.Duration;
import java.util.Collection;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;

import io.samsa.clients.consumer.fetch.FetchBuffer;
import io.samsa.clients.consumer.group.GroupMember;
import io.samsa.clients.consumer.io.ConsumerIo;
import io.samsa.clients.consumer.state.SubscriptionState;
import io.samsa.clients.metadata.MetadataCache;

/**
 * What the consumer reads and in which group: subscribing (by names or pattern, group-managed), assigning
 * partitions by hand, unsubscribing, forcing a rebalance, and leaving the group (or committing) on close.
 * Checks arguments with KafkaConsumer's messages. Application thread only (under {@link ConsumerGuard}).
 */
final class ConsumerMembership {
    private final ConsumerSettings settings;
    private final SubscriptionState subscriptions;
    private final ConsumerIo io;
    private final MetadataCache metadata;
    private final FetchBuffer buffer;
    /** Null without a group.id. */
    private final GroupMember group;
    private final ConsumerCommits commits;

    ConsumerMembership(ConsumerSettings settings, SubscriptionState subscriptions, ConsumerIo io, FetchBuffer buffer,
                       GroupMember group, ConsumerCommits commits) {
        this.settings = settings;
        this.subscriptions = subscriptions;
        this.io = io;
        this.metadata = io.metadata();
        this.buffer = buffer;
        this.group = group;
        this.commits = commits;
    }

    void subscribe(Collection<String> topics, ConsumerRebalanceListener listener) {
        if (topics == null) {
            throw new IllegalArgumentException("Topic collection to subscribe to cannot be null");
        }
        if (topics.isEmpty()) {
            unsubscribe();
            return;
        }
        for (String t : topics) {
            if (t == null || t.isBlank()) {
                throw new IllegalArgumentException("Topic collection to subscribe to cannot contain null or "
                        + "empty topic");
            }
        }
        ConsumerCommits.requireGroup(group, "subscribe");
        subscriptions.subscribe(topics, listener);
        io.fetchAllTopics(false);
        metadata.wantedTopics().addAll(topics);
        metadata.requestUpdate();
        group.requestRejoin();
        io.wakeup();
    }

    void subscribe(Pattern pattern, ConsumerRebalanceListener listener) {
        if (pattern == null || pattern.toString().isEmpty()) {
            throw new IllegalArgumentException("Topic pattern to subscribe to cannot be "
                    + (pattern == null ? "null" : "empty"));
        }
        ConsumerCommits.requireGroup(group, "subscribe");
        subscriptions.subscribe(pattern, listener);
        io.fetchAllTopics(true);
        group.requestRejoin();
    }

    void unsubscribe() {
        if (group != null && subscriptions.isGroupManaged()) {
            group.leave(System.currentTimeMillis() + settings.defaultApiTimeoutMs(), "the consumer unsubscribed");
        }
        subscriptions.unsubscribe();
        io.fetchAllTopics(false);
        buffer.clear();
    }

    void assign(Collection<TopicPartition> partitions) {
        if (partitions == null) {
            throw new IllegalArgumentException("Topic partition collection to assign to cannot be null");
        }
        for (TopicPartition tp : partitions) {
            if (tp == null || tp.topic() == null || tp.topic().isBlank()) {
                throw new IllegalArgumentException("Topic partitions to assign to cannot have null or empty topic");
            }
            metadata.wantedTopics().add(tp.topic());
        }
        if (settings.autoCommit() && !subscriptions.assignment().isEmpty()) {
            commits.commitAsync(commits.consumedOffsets(), null);
        }
        subscriptions.assignFromUser(partitions);
        metadata.requestUpdate();
        io.wakeup();
    }

    ConsumerGroupMetadata groupMetadata() {
        ConsumerCommits.requireGroup(group, "groupMetadata");
        return group.groupMetadata();
    }

    void enforceRebalance() {
        if (group == null || !subscriptions.isGroupManaged()) {
            throw new IllegalStateException("Tried to force a rebalance but consumer does not have a group.");
        }
        group.requestRejoin();
    }

    /**
     * On close: leave the group, or (assigned partitions, auto-commit on) commit what was consumed; best effort
     * until {@code deadline}, except that an interrupt is passed on.
     */
    void onClose(long deadline) {
        try {
            if (group != null && subscriptions.isGroupManaged()) {
                group.leave(deadline, "the consumer is being closed");
            } else if (settings.autoCommit() && !subscriptions.assignment().isEmpty()) {
                try {
                    commits.commitSync(commits.consumedOffsets(), Duration.ofMillis(Math.max(0,
                            deadline - System.currentTimeMillis())));
                } catch (RuntimeException e) {
                    // best effort on close
                }
            }
            commits.runCompletions();
        } catch (InterruptException e) {
            throw e;
        } catch (RuntimeException e) {
            // closing anyway
        }
    }
}
