package io.samsa.clients.admin;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponsePartition;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/**
 * ListOffsets for many partitions at once, one request per partition leader: the earliest ({@link #EARLIEST}) or
 * latest ({@link #LATEST}) offset, or the first offset at or after a timestamp. Shared by topic descriptions
 * (log start and end) and group offsets (log end, lag, resets). Runs on the admin's calling thread, through
 * {@link AdminChannel}.
 */
final class ListOffsetsLookup {
    static final long EARLIEST = -2L;
    static final long LATEST = -1L;

    private ListOffsetsLookup() {
    }

    /**
     * The offset at {@code timestamp} for every partition of {@code topics} (metadata partitions, for their
     * leaders). A partition is missing from its topic's map when it has no leader or its leader answered an
     * error; it maps to -1 when a timestamp lookup found no record at or after the timestamp.
     */
    static Map<String, Map<Integer, Long>> offsets(AdminChannel channel,
            Map<String, List<MetadataResponsePartition>> topics, long timestamp, long timeoutMs, long deadlineMs) {
        Map<Integer, Map<String, List<Integer>>> byLeader = new HashMap<>();
        Map<String, Map<Integer, Long>> out = new HashMap<>();
        topics.forEach((name, ps) -> {
            out.put(name, new HashMap<>());
            for (MetadataResponsePartition p : ps) {
                if (p.leaderId() >= 0) {
                    byLeader.computeIfAbsent(p.leaderId(), k -> new LinkedHashMap<>())
                            .computeIfAbsent(name, k -> new ArrayList<>()).add(p.partitionIndex());
                }
            }
        });
        byLeader.forEach((leader, perTopic) -> {
            ListOffsetsResponseData response = channel.call(leader, ApiKeys.LIST_OFFSETS, version -> {
                ListOffsetsRequestData request = new ListOffsetsRequestData().setReplicaId(-1).setIsolationLevel((byte) 0);
                if (version >= 10) {
                    request.setTimeoutMs((int) timeoutMs);
                }
                perTopic.forEach((name, partitions) -> {
                    ListOffsetsRequestData.ListOffsetsTopic t = new ListOffsetsRequestData.ListOffsetsTopic().setName(name);
                    partitions.forEach(p -> t.partitions().add(new ListOffsetsRequestData.ListOffsetsPartition()
                            .setPartitionIndex(p).setTimestamp(timestamp)));
                    request.topics().add(t);
                });
                return request;
            }, deadlineMs);
            for (ListOffsetsResponseData.ListOffsetsTopicResponse t : response.topics()) {
                for (ListOffsetsResponseData.ListOffsetsPartitionResponse p : t.partitions()) {
                    if (p.errorCode() == Errors.NONE.code()) {
                        out.get(t.name()).put(p.partitionIndex(), p.offset());
                    }
                }
            }
        });
        return out;
    }
}
