package io.samsa.metadata.quorum;

import static io.samsa.metadata.quorum.RatisMetadataLogTest.join;
import static io.samsa.metadata.quorum.RatisMetadataLogTest.topic;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.samsa.metadata.MetadataImage;
import io.samsa.metadata.RemoveTopicRecord;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Leader loss and catching up: from the log, and from a snapshot once the leader purged its log. */
class QuorumFailoverTest {
    @TempDir
    Path dir;

    @Test
    void newLeaderAfterTheOldOneClosesAndARestartedMemberCatchesUpFromASnapshot() throws Exception {
        // Snapshot every 5 entries, 1 KiB segments: the log before a snapshot is soon purged.
        try (QuorumTestCluster cluster = new QuorumTestCluster(dir, 3, 5, 1024)) {
            QuorumTestCluster.Member leader = cluster.awaitActive();
            join(leader.log.append(topic("before", 2)));
            cluster.stop(leader.id);
            QuorumTestCluster.Member next = cluster.awaitActive();
            assertThat(next.id).isNotEqualTo(leader.id);
            QuorumTestCluster.Member survivor = cluster.members.values().stream().filter(m -> m != next)
                    .findFirst().orElseThrow();
            long offset = join(survivor.log.append(topic("after", 1)));

            // The old leader comes back and catches up from the log.
            QuorumTestCluster.Member restarted = cluster.start(leader.id);
            List<MetadataImage> images = cluster.imagesAt(offset);
            assertThat(images).allSatisfy(image -> assertThat(image).isEqualTo(images.get(0)));

            // A follower goes away; meanwhile a topic it knows is deleted and many batches are written.
            QuorumTestCluster.Member away = cluster.members.values().stream()
                    .filter(m -> !m.log.isActive()).findFirst().orElseThrow();
            long awayEnd = away.state.image().offset();
            cluster.stop(away.id);
            QuorumTestCluster.Member writer = cluster.awaitActive();
            Uuid before = writer.state.image().topics().get("before").id();
            join(writer.log.append(List.of(new RemoveTopicRecord(before))));
            long last = 0;
            for (int i = 0; i < 40; i++) {
                last = join(writer.log.append(topic("t" + i, 1)));
            }
            long purgedTo = last;
            QuorumTestCluster.await(() -> writer.log.raftLogStartIndex() > awayEnd + 1,
                    "the leader purged the log the member missed (start " + purgedTo + ")");

            // It restarts from its own snapshot and log, then gets the leader's snapshot; a publisher follows
            // the deltas it is given and ends with the leader's topics (the deleted one removed).
            Set<String> published = new HashSet<>();
            QuorumTestCluster.Member back = cluster.start(away.id, m -> m.state.register((delta, image) -> {
                delta.removedTopics().values().forEach(t -> published.remove(t.name()));
                delta.changedTopicIds().forEach(id -> published.add(image.topics().get(id).name()));
            }));
            List<MetadataImage> caughtUp = cluster.imagesAt(last);
            assertThat(caughtUp).allSatisfy(image -> assertThat(image.topics()).isEqualTo(caughtUp.get(0).topics()));
            assertThat(back.state.image().topics().get("before")).isNull();
            synchronized (published) {
                Set<String> expected = new HashSet<>();
                back.state.image().topics().all().forEach(t -> expected.add(t.name()));
                assertThat(published).isEqualTo(expected);
            }
            // And appends keep working with everyone back.
            long more = join(back.log.append(topic("late", 1)));
            assertThat(cluster.imagesAt(more)).allSatisfy(image -> assertThat(image.topics().get("late")).isNotNull());
        }
    }
}
