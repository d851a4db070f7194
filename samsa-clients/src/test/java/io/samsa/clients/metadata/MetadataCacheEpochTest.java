package io.samsa.clients.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.MetadataResponseData;
import org.junit.jupiter.api.Test;

/** Leadership in the cache never goes back to an older leader epoch; a re-created topic starts afresh. */
class MetadataCacheEpochTest {
    private static final TopicPartition TP = new TopicPartition("t", 0);
    private final MetadataCache cache = new MetadataCache(() -> { });

    @Test
    void keepsTheNewerLeaderWhenABrokerAnswersWithAnOlderEpoch() {
        Uuid id = Uuid.randomUuid();
        cache.update(response(id, 2, 5), 1);
        cache.update(response(id, 1, 4), 2); // a broker that has not caught up

        assertThat(cache.leaderFor(TP)).isEqualTo(2);
        assertThat(cache.leaderEpoch(TP)).isEqualTo(5);
        assertThat(cache.updateRequested()).as("ask again, likely elsewhere").isTrue();

        cache.update(response(id, 3, 6), 3);
        assertThat(cache.leaderFor(TP)).isEqualTo(3);
        assertThat(cache.leaderEpoch(TP)).isEqualTo(6);
    }

    @Test
    void aRecreatedTopicStartsAgainAtItsOwnEpochs() {
        cache.update(response(Uuid.randomUuid(), 2, 5), 1);
        cache.update(response(Uuid.randomUuid(), 1, 0), 2);

        assertThat(cache.leaderFor(TP)).isEqualTo(1);
        assertThat(cache.leaderEpoch(TP)).isZero();
    }

    private static MetadataResponseData response(Uuid id, int leader, int epoch) {
        MetadataResponseData r = new MetadataResponseData().setClusterId("c");
        for (int n = 1; n <= 3; n++) {
            r.brokers().add(new MetadataResponseData.MetadataResponseBroker().setNodeId(n).setHost("h").setPort(n));
        }
        MetadataResponseData.MetadataResponseTopic t = new MetadataResponseData.MetadataResponseTopic()
                .setName("t").setTopicId(id);
        t.partitions().add(new MetadataResponseData.MetadataResponsePartition().setPartitionIndex(0)
                .setLeaderId(leader).setLeaderEpoch(epoch).setReplicaNodes(List.of(1, 2, 3))
                .setIsrNodes(List.of(1, 2, 3)));
        r.topics().add(t);
        return r;
    }
}
