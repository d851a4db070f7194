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
 * takes. Offsets of a producer's transaction count from its COMMIT marker on (an ABORT drops them); those of a
 * transaction still open go back into the pending transactional offsets. Groups with members come back Stable, their members with fresh session timers. Runs on the coordinator
 * thread, before any other operation.
 */
final class GroupLoader {
    private static final Logger log = LoggerFactory.getLogger(GroupLoader.class);

    private GroupLoader() {
    }

    static void load(CoordinatorLog coordinatorLog, GroupStore store, Rebalance rebalance) throws IOException {
        Map<String, GroupMetadataRecord.Group> metadata = new LinkedHashMap<>();
        Map<String, Map<TopicPartition, GroupMetadataRecord.Offset>> offsets = new LinkedHashMap<>();
        Map<Long, List<GroupMetadataRecord.Offset>> openTxns = new LinkedHashMap<>();
        coordinatorLog.replay(new CoordinatorLog.Visitor() {
            @Override
            public void record(long producerId, GroupMetadataRecord r) {
                if (producerId >= 0 && r instanceof GroupMetadataRecord.Offset o) {
                    openTxns.computeIfAbsent(producerId, id -> new ArrayList<>()).add(o);
                } else if (r instanceof GroupMetadataRecord.Offset o) {
                    committed(o);
                } else if (r instanceof GroupMetadataRecord.Group g) {
                    if (g.metadata() == null) {
                        metadata.remove(g.groupId());
                    } else {
                        metadata.put(g.groupId(), g);
                    }
                }
            }

            @Override
            public void marker(long producerId, boolean commit) {
                List<GroupMetadataRecord.Offset> txn = openTxns.remove(producerId);
                if (commit && txn != null) {
                    txn.forEach(this::committed); // they count from the marker on, as when it was written
                }
            }

            private void committed(GroupMetadataRecord.Offset o) {
                Map<TopicPartition, GroupMetadataRecord.Offset> m = offsets.computeIfAbsent(o.groupId(), k -> new HashMap<>());
                if (o.offset() == null) {
                    m.remove(o.partition());
                } else {
                    m.put(o.partition(), o);
                }
            }
        });
        List<GroupMetadataRecord> live = new ArrayList<>(metadata.values());
        offsets.values().forEach(m -> live.addAll(m.values()));
        store.replay(live);
        openTxns.forEach((producerId, txn) -> store.replay(new ArrayList<>(txn),
                new CoordinatorResult.Transaction(producerId, (short) -1)));
        int withMembers = 0;
        for (ClassicGroup g : store.view()) {
            for (ClassicGroupMember m : g.members()) {
                rebalance.scheduleHeartbeatExpiry(g, m);
            }
            withMembers += g.hasMembers() ? 1 : 0;
        }
        log.info("Loaded {} groups ({} with members, {} open transactions with offsets)", store.view().size(),
                withMembers, openTxns.size());
    }
}
