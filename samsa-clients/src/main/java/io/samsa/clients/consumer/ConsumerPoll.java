package io.samsa.clients.consumer;

import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.serialization.Deserializer;

import io.samsa.clients.consumer.fetch.FetchBuffer;
import io.samsa.clients.consumer.group.GroupMember;
import io.samsa.clients.consumer.io.Waiter;
import io.samsa.clients.consumer.state.SubscriptionState;

/**
 * One {@code poll}: until records or the deadline, do the group's duties (join, sync, rebalance listeners),
 * auto-commit when due, give partitions their positions, then hand out what the I/O thread fetched ahead,
 * deserialized here. Application thread only (under {@link ConsumerGuard}).
 */
final class ConsumerPoll<K, V> {
    private final ConsumerSettings settings;
    private final SubscriptionState subscriptions;
    private final FetchBuffer buffer;
    private final Waiter waiter;
    /** Null without a group.id. */
    private final GroupMember group;
    private final ConsumerCommits commits;
    private final ConsumerPositions positions;
    private final Deserializer<K> keyDeserializer;
    private final Deserializer<V> valueDeserializer;

    ConsumerPoll(ConsumerSettings settings, SubscriptionState subscriptions, FetchBuffer buffer, Waiter waiter,
                 GroupMember group, ConsumerCommits commits, ConsumerPositions positions,
                 Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer) {
        this.settings = settings;
        this.subscriptions = subscriptions;
        this.buffer = buffer;
        this.waiter = waiter;
        this.group = group;
        this.commits = commits;
        this.positions = positions;
        this.keyDeserializer = keyDeserializer;
        this.valueDeserializer = valueDeserializer;
    }

    ConsumerRecords<K, V> poll(long now, long deadline) {
        if (subscriptions.mode() == SubscriptionState.Mode.NONE) {
            throw new IllegalStateException("Consumer is not subscribed to any topics or assigned any partitions");
        }
        waiter.checkWakeup();
        commits.runCompletions();
        do {
            if (group != null && subscriptions.isGroupManaged()) {
                group.poll(now, deadline);
            }
            commits.maybeAutoCommit(now);
            positions.update(deadline);
            ConsumerRecords<K, V> records = buffer.drain(settings.maxPollRecords(), keyDeserializer,
                    valueDeserializer);
            if (!records.isEmpty()) {
                return records;
            }
            waiter.await(() -> buffer.hasData() || group != null && group.rejoinNeeded()
                    && subscriptions.isGroupManaged() || !subscriptions.withoutPosition().isEmpty()
                    || !subscriptions.needingUserReset().isEmpty(), deadline);
            now = System.currentTimeMillis();
        } while (now < deadline);
        return ConsumerRecords.empty();
    }
}
