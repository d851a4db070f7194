package io.samsa.broker.group;

import static io.samsa.broker.group.GroupTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.GroupSubscribedToTopicException;
import org.junit.jupiter.api.Test;

import io.samsa.broker.SamsaBroker;

/**
 * The stock Admin client's group operations against Samsa: list, describe (members and their
 * assignments), alter and delete offsets, delete groups — with Kafka's errors for a group in use.
 */
class AdminGroupsTest {
    static final String TOPIC = "payments";

    @Test
    void adminListsDescribesAltersAndDeletesGroups() throws Exception {
        try (SamsaBroker broker = SamsaBroker.startEmbedded(Map.of("group.initial.rebalance.delay.ms", "0"));
             Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            String bootstrap = broker.bootstrapServers();
            GroupTestSupport.createTopic(bootstrap, TOPIC, 4);
            GroupTestSupport.produce(bootstrap, TOPIC, 4, "x", 40);

            GroupConsumerThread c1 = new GroupConsumerThread(GroupTestSupport.consumerProps(bootstrap, "busy", "c1"), TOPIC);
            GroupConsumerThread c2 = new GroupConsumerThread(GroupTestSupport.consumerProps(bootstrap, "busy", "c2"), TOPIC);
            try {
                await("both members consumed and own 2 partitions each", Duration.ofSeconds(30),
                        () -> c1.assignment.size() == 2 && c2.assignment.size() == 2
                                && c1.consumed.size() + c2.consumed.size() == 40,
                        () -> List.of(c1.assignment, c2.assignment));
                // An idle group with offsets only (committed through the Admin API: generation -1).
                admin.alterConsumerGroupOffsets("idle", Map.of(new TopicPartition(TOPIC, 0), new OffsetAndMetadata(7),
                        new TopicPartition(TOPIC, 1), new OffsetAndMetadata(8))).all().get();

                Collection<GroupListing> listed = admin.listGroups().all().get();
                assertThat(listed).extracting(GroupListing::groupId).contains("busy", "idle");
                assertThat(listed).filteredOn(g -> g.groupId().equals("busy"))
                        .allMatch(g -> g.groupState().orElseThrow() == GroupState.STABLE);

                ConsumerGroupDescription busy = admin.describeConsumerGroups(List.of("busy")).all().get().get("busy");
                assertThat(busy.groupState()).isEqualTo(GroupState.STABLE);
                assertThat(busy.partitionAssignor()).isEqualTo("range");
                assertThat(busy.members()).extracting(MemberDescription::clientId).containsExactlyInAnyOrder("c1", "c2");
                assertThat(busy.members()).flatExtracting(m -> m.assignment().topicPartitions())
                        .containsExactlyInAnyOrderElementsOf(Set.of(new TopicPartition(TOPIC, 0),
                                new TopicPartition(TOPIC, 1), new TopicPartition(TOPIC, 2), new TopicPartition(TOPIC, 3)));

                // In use: neither the group nor the offsets of a subscribed topic can be deleted.
                assertThatThrownBy(() -> admin.deleteConsumerGroups(List.of("busy")).all().get())
                        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(GroupNotEmptyException.class);
                assertThatThrownBy(() -> admin.deleteConsumerGroupOffsets("busy", Set.of(new TopicPartition(TOPIC, 0)))
                        .all().get()).isInstanceOf(ExecutionException.class)
                        .hasCauseInstanceOf(GroupSubscribedToTopicException.class);
            } finally {
                c1.close();
                c2.close();
            }

            admin.deleteConsumerGroupOffsets("idle", Set.of(new TopicPartition(TOPIC, 0))).all().get();
            assertThat(admin.listConsumerGroupOffsets("idle").partitionsToOffsetAndMetadata().get())
                    .containsOnlyKeys(new TopicPartition(TOPIC, 1));
            admin.deleteConsumerGroups(List.of("idle", "busy")).all().get();
            assertThat(admin.listGroups().all().get()).extracting(GroupListing::groupId)
                    .doesNotContain("idle", "busy");
        }
    }
}
