package io.samsa.broker.group;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the coordinator's state at start: reads the whole log, keeps the last record of each key (a tombstone
 * drops it), and replays what is left through {@link GroupStore#replay}, the same path every committed write
 * takes. Groups with members come back Stable, their members with fresh session timers. Runs on the coordinator
 * thread, before any other operation.
 */
final class GroupLoader {
    private static final Logger log = LoggerFactory.getLogger(GroupLoader.class);

    private GroupLoader() {
    }

    static void load(CoordinatorLog coordinatorLog, GroupStore store, Rebalance rebalance) throws IOException {
        Map<String, GroupMetadataRecord.Group> metadata = new LinkedHashMap<>();
        Map<String, Map<TopicPartition, GroupMetadataRecord.Offset>> offsets = new LinkedHashMap<>();
        coordinatorLog.replay(r -> {
            if (r instanceof GroupMetadataRecord.Offset o) {
                Map<TopicPartition, GroupMetadataRecord.Offset> m = offsets.computeIfAbsent(o.groupId(), k -> new HashMap<>());
                if (o.offset() == null) {
                    m.remove(o.partition());
                } else {
                    m.put(o.partition(), o);
                }
            } else if (r instanceof GroupMetadataRecord.Group g) {
                if (g.metadata() == null) {
                    metadata.remove(g.groupId());
                } else {
                    metadata.put(g.groupId(), g);
                }
            }
        });
        List<GroupMetadataRecord> live = new ArrayList<>(metadata.values());
        offsets.values().forEach(m -> live.addAll(m.values()));
        store.replay(live);
        int withMembers = 0;
        for (ClassicGroup g : store.view()) {
            for (ClassicGroupMember m : g.members()) {
                rebalance.scheduleHeartbeatExpiry(g, m);
            }
            withMembers += g.hasMembers() ? 1 : 0;
        }
        log.info("Loaded {} groups ({} with members)", store.view().size(), withMembers);
    }
}
