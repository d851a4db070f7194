package io.samsa.clients.metadata;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * A one-off topic metadata lookup ({@code Consumer.partitionsFor} and {@code listTopics}), apart from the
 * {@link MetadataCache} the I/O thread keeps: the request for some topics or all, and the answer as
 * kafka-clients' {@link PartitionInfo}s. Stateless; safe from any thread.
 */
public final class TopicMetadata {
    /**
     * The partitions per topic (topics with an error left out; internal topics left out of "all"), and whether
     * a topic's leader was not available yet (worth asking again).
     */
    public record Answer(Map<String, List<PartitionInfo>> topics, boolean leaderNotAvailable) {
    }

    private TopicMetadata() {
    }

    /** A Metadata request for {@code topics} (null: all), never creating a topic. */
    public static MetadataRequestData request(List<String> topics) {
        MetadataRequestData req = new MetadataRequestData().setAllowAutoTopicCreation(false);
        if (topics == null) {
            return req.setTopics(null);
        }
        List<MetadataRequestData.MetadataRequestTopic> list = new ArrayList<>();
        topics.forEach(t -> list.add(new MetadataRequestData.MetadataRequestTopic().setName(t)));
        return req.setTopics(list);
    }

    /** Reads the response to {@link #request}; {@code all}: the request asked for every topic. */
    public static Answer parse(MetadataResponseData data, boolean all) {
        Map<Integer, Node> nodes = new HashMap<>();
        for (MetadataResponseData.MetadataResponseBroker b : data.brokers()) {
            nodes.put(b.nodeId(), new Node(b.nodeId(), b.host(), b.port(), b.rack()));
        }
        Map<String, List<PartitionInfo>> out = new HashMap<>();
        boolean retry = false;
        for (MetadataResponseData.MetadataResponseTopic t : data.topics()) {
            Errors error = Errors.forCode(t.errorCode());
            if (error == Errors.LEADER_NOT_AVAILABLE) {
                retry = true;
            }
            if (error != Errors.NONE || (all && t.isInternal())) {
                continue;
            }
            List<PartitionInfo> parts = new ArrayList<>();
            for (MetadataResponseData.MetadataResponsePartition p : t.partitions()) {
                parts.add(new PartitionInfo(t.name(), p.partitionIndex(), nodes.get(p.leaderId()),
                        MetadataCache.toNodes(p.replicaNodes(), nodes), MetadataCache.toNodes(p.isrNodes(), nodes),
                        MetadataCache.toNodes(p.offlineReplicas(), nodes)));
            }
            parts.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
            out.put(t.name(), parts);
        }
        return new Answer(out, retry);
    }
}
