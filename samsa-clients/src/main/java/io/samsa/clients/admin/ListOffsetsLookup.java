package io.samsa.clients.admin;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponsePartition;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/**
 * ListOffsets for many partitions at once, one request per partition leader: the earliest ({@link #EARLIEST}) or
 * latest ({@link #LATEST}) offset, or the first offset at or after a timestamp. Shared by topic descriptions
 * (log start and end) and group offsets (log end, lag, resets). Runs on the admin's calling thread, through
 * {@link AdminChannel}.
 *
 * <p>Leadership moves: each partition is asked with the leader epoch metadata named its leader with; a partition
 * whose leader cannot be reached or answers a retriable error (NOT_LEADER_OR_FOLLOWER, FENCED_LEADER_EPOCH, ...)
 * is asked again, after fresh metadata, until the deadline. A partition metadata names no leader for is not
 * waited for (it is offline, not moving).
 */
final class ListOffsetsLookup {
    static final long EARLIEST = -2L;
    static final long LATEST = -1L;
    private static final long RETRY_BACKOFF_MS = 100;

    /** One partition to ask about, with its leader as metadata named it. */
    private record Ask(String topic, int partition, int leader, int leaderEpoch) {
    }

    private ListOffsetsLookup() {
    }

    /**
     * The offset at {@code timestamp} for every partition of {@code topics} (metadata partitions, for their
     * leaders). A partition is missing from its topic's map when it has no leader, its leader answered a
     * non-retriable error, or it did not answer before the deadline; it maps to -1 when a timestamp lookup found no
     * record at or after the timestamp. {@code metadata} refreshes leaders (for topic names) when one moved.
     */
    static Map<String, Map<Integer, Long>> offsets(AdminChannel channel,
            Map<String, List<MetadataResponsePartition>> topics, long timestamp, long timeoutMs, long deadlineMs,
            Function<List<String>, MetadataResponseData> metadata) {
        Map<String, Map<Integer, Long>> out = new HashMap<>();
        List<Ask> asks = new ArrayList<>();
        topics.forEach((name, ps) -> {
            out.put(name, new HashMap<>());
            for (MetadataResponsePartition p : ps) {
                if (p.leaderId() >= 0) {
                    asks.add(new Ask(name, p.partitionIndex(), p.leaderId(), p.leaderEpoch()));
                }
            }
        });
        while (true) {
            List<Ask> retry = askLeaders(channel, asks, timestamp, timeoutMs, deadlineMs, out);
            if (retry.isEmpty() || System.currentTimeMillis() + RETRY_BACKOFF_MS >= deadlineMs) {
                return out;
            }
            pause();
            asks.clear();
            asks.addAll(refreshed(retry, metadata));
        }
    }

    /** Asks each leader once; returns the partitions worth asking again. */
    private static List<Ask> askLeaders(AdminChannel channel, List<Ask> asks, long timestamp, long timeoutMs,
                                        long deadlineMs, Map<String, Map<Integer, Long>> out) {
        Map<Integer, List<Ask>> byLeader = new LinkedHashMap<>();
        asks.forEach(a -> byLeader.computeIfAbsent(a.leader(), k -> new ArrayList<>()).add(a));
        List<Ask> retry = new ArrayList<>();
        byLeader.forEach((leader, mine) -> {
            ListOffsetsResponseData response;
            try {
                response = channel.call(leader, ApiKeys.LIST_OFFSETS, version -> request(mine, version, timestamp,
                        timeoutMs), deadlineMs);
            } catch (NetworkException e) {
                retry.addAll(mine); // the leader is unreachable: failing over, or gone
                return;
            }
            Map<String, Map<Integer, Ask>> index = new HashMap<>();
            mine.forEach(a -> index.computeIfAbsent(a.topic(), k -> new HashMap<>()).put(a.partition(), a));
            for (ListOffsetsResponseData.ListOffsetsTopicResponse t : response.topics()) {
                for (ListOffsetsResponseData.ListOffsetsPartitionResponse p : t.partitions()) {
                    Errors error = Errors.forCode(p.errorCode());
                    if (error == Errors.NONE) {
                        out.get(t.name()).put(p.partitionIndex(), p.offset());
                    } else if (error.exception() instanceof RetriableException) {
                        Ask a = index.getOrDefault(t.name(), Map.of()).get(p.partitionIndex());
                        if (a != null) {
                            retry.add(a);
                        }
                    }
                }
            }
        });
        return retry;
    }

    /** The partitions to ask again, with their leaders as fresh metadata names them (leaderless ones dropped). */
    private static List<Ask> refreshed(List<Ask> retry, Function<List<String>, MetadataResponseData> metadata) {
        List<String> names = retry.stream().map(Ask::topic).distinct().toList();
        MetadataResponseData md;
        try {
            md = metadata.apply(names);
        } catch (NetworkException e) {
            return retry;
        }
        List<Ask> out = new ArrayList<>();
        for (Ask a : retry) {
            MetadataResponseData.MetadataResponseTopic t = md.topics().find(a.topic());
            if (t == null) {
                continue;
            }
            for (MetadataResponsePartition p : t.partitions()) {
                if (p.partitionIndex() == a.partition() && p.leaderId() >= 0) {
                    // A broker that has not caught up may still name the old leader: asking it again is harmless.
                    out.add(new Ask(a.topic(), a.partition(), p.leaderId(), p.leaderEpoch()));
                }
            }
        }
        return out;
    }

    private static ListOffsetsRequestData request(List<Ask> asks, short version, long timestamp, long timeoutMs) {
        ListOffsetsRequestData request = new ListOffsetsRequestData().setReplicaId(-1).setIsolationLevel((byte) 0);
        if (version >= 10) {
            request.setTimeoutMs((int) timeoutMs);
        }
        Map<String, ListOffsetsRequestData.ListOffsetsTopic> topics = new LinkedHashMap<>();
        for (Ask a : asks) {
            topics.computeIfAbsent(a.topic(), n -> new ListOffsetsRequestData.ListOffsetsTopic().setName(n))
                    .partitions().add(new ListOffsetsRequestData.ListOffsetsPartition()
                            .setPartitionIndex(a.partition()).setTimestamp(timestamp)
                            .setCurrentLeaderEpoch(version >= 4 ? a.leaderEpoch() : -1));
        }
        request.setTopics(new ArrayList<>(topics.values()));
        return request;
    }

    private static void pause() {
        try {
            Thread.sleep(RETRY_BACKOFF_MS); // retry.backoff.ms between rounds while leadership moves
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NetworkException("Interrupted while waiting for a new leader");
        }
    }
}
