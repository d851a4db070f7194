package io.samsa.clients.admin;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/**
 * Samsa's admin client: create, list, describe and delete topics, add partitions, read topic configs.
 * Each call blocks until the broker answers or {@code timeout} passes; calls are serialized. Broker errors are
 * thrown as Kafka's {@link ApiException}s ({@code TopicExistsException}, {@code InvalidReplicationFactorException},
 * ...), an unknown topic as {@link UnknownTopicException}, no reachable broker as {@link BrokerUnreachableException}.
 */
public final class SamsaAdmin implements AutoCloseable {
    private static final AtomicInteger CLIENT_IDS = new AtomicInteger(1);
    private static final long EARLIEST = -2L;
    private static final long LATEST = -1L;

    private final AdminChannel channel;
    private final long timeoutMs;

    public SamsaAdmin(String bootstrapServers) {
        this(bootstrapServers, Duration.ofSeconds(30));
    }

    public SamsaAdmin(String bootstrapServers, Duration timeout) {
        this.timeoutMs = timeout.toMillis();
        this.channel = new AdminChannel("samsa-admin-" + CLIENT_IDS.getAndIncrement(),
                Arrays.stream(bootstrapServers.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList(),
                timeoutMs);
    }

    private long deadline() {
        return System.currentTimeMillis() + timeoutMs;
    }

    // ---- topics ----

    public synchronized void createTopics(Collection<TopicSpec> specs) {
        CreateTopicsRequestData request = new CreateTopicsRequestData().setTimeoutMs((int) timeoutMs);
        for (TopicSpec spec : specs) {
            CreateTopicsRequestData.CreatableTopic t = new CreateTopicsRequestData.CreatableTopic()
                    .setName(spec.name()).setNumPartitions(spec.partitions())
                    .setReplicationFactor(spec.replicationFactor());
            spec.configs().forEach((k, v) -> t.configs().add(
                    new CreateTopicsRequestData.CreatableTopicConfig().setName(k).setValue(v)));
            request.topics().add(t);
        }
        CreateTopicsResponseData response = channel.call(ApiKeys.CREATE_TOPICS, v -> request, deadline());
        for (CreateTopicsResponseData.CreatableTopicResult r : response.topics()) {
            check(r.name(), r.errorCode(), r.errorMessage());
        }
    }

    public void createTopic(TopicSpec spec) {
        createTopics(List.of(spec));
    }

    public synchronized void deleteTopics(Collection<String> names) {
        DeleteTopicsResponseData response = channel.call(ApiKeys.DELETE_TOPICS, version -> {
            DeleteTopicsRequestData request = new DeleteTopicsRequestData().setTimeoutMs((int) timeoutMs);
            if (version >= 6) {
                names.forEach(n -> request.topics().add(new DeleteTopicsRequestData.DeleteTopicState().setName(n)));
            } else {
                request.setTopicNames(new ArrayList<>(names));
            }
            return request;
        }, deadline());
        for (DeleteTopicsResponseData.DeletableTopicResult r : response.responses()) {
            check(r.name(), r.errorCode(), r.errorMessage());
        }
    }

    /** Every topic's name, sorted. */
    public synchronized SortedSet<String> listTopics() {
        MetadataResponseData metadata = metadata(null);
        SortedSet<String> names = new TreeSet<>();
        metadata.topics().forEach(t -> names.add(t.name()));
        return names;
    }

    /** Whether the broker knows the topic (never creates it, whatever {@code auto.create.topics.enable} says). */
    public synchronized boolean topicExists(String name) {
        MetadataResponseData.MetadataResponseTopic t = metadata(List.of(name)).topics().find(name);
        if (t == null || t.errorCode() == Errors.UNKNOWN_TOPIC_OR_PARTITION.code()) {
            return false;
        }
        check(name, t.errorCode(), null);
        return true;
    }

    /** The topics in the order asked, each with its partitions' leader, replicas, ISR and log offsets. */
    public synchronized Map<String, TopicDescription> describeTopics(Collection<String> names) {
        MetadataResponseData metadata = metadata(new ArrayList<>(names));
        Map<String, List<MetadataResponseData.MetadataResponsePartition>> partitions = new LinkedHashMap<>();
        Map<String, Uuid> ids = new HashMap<>();
        for (String name : names) {
            MetadataResponseData.MetadataResponseTopic t = metadata.topics().find(name);
            if (t == null) {
                throw new UnknownTopicException(name);
            }
            check(name, t.errorCode(), null);
            List<MetadataResponseData.MetadataResponsePartition> ps = new ArrayList<>(t.partitions());
            ps.sort((a, b) -> Integer.compare(a.partitionIndex(), b.partitionIndex()));
            partitions.put(name, ps);
            ids.put(name, t.topicId());
        }
        Map<String, Map<Integer, Long>> start = offsets(partitions, EARLIEST);
        Map<String, Map<Integer, Long>> end = offsets(partitions, LATEST);
        Map<String, TopicDescription> out = new LinkedHashMap<>();
        partitions.forEach((name, ps) -> {
            List<TopicDescription.Partition> described = new ArrayList<>();
            for (MetadataResponseData.MetadataResponsePartition p : ps) {
                int i = p.partitionIndex();
                described.add(new TopicDescription.Partition(i, p.leaderId(), List.copyOf(p.replicaNodes()),
                        List.copyOf(p.isrNodes()), start.get(name).getOrDefault(i, -1L),
                        end.get(name).getOrDefault(i, -1L)));
            }
            out.put(name, new TopicDescription(name, ids.get(name), List.copyOf(described)));
        });
        return out;
    }

    public TopicDescription describeTopic(String name) {
        return describeTopics(List.of(name)).get(name);
    }

    /** Grows the topic to {@code totalCount} partitions (Kafka never shrinks a topic). */
    public synchronized void createPartitions(String topic, int totalCount) {
        CreatePartitionsRequestData request = new CreatePartitionsRequestData()
                .setTimeoutMs((int) timeoutMs).setValidateOnly(false);
        request.topics().add(new CreatePartitionsRequestData.CreatePartitionsTopic()
                .setName(topic).setCount(totalCount).setAssignments(null));
        CreatePartitionsResponseData response = channel.call(ApiKeys.CREATE_PARTITIONS, v -> request, deadline());
        for (CreatePartitionsResponseData.CreatePartitionsTopicResult r : response.results()) {
            check(r.name(), r.errorCode(), r.errorMessage());
        }
    }

    /** The topic's configs, every one (defaults included), sorted by name. */
    public synchronized List<ConfigEntry> describeConfigs(String topic) {
        DescribeConfigsRequestData request = new DescribeConfigsRequestData().setIncludeSynonyms(false);
        request.resources().add(new DescribeConfigsRequestData.DescribeConfigsResource()
                .setResourceType(ConfigResource.Type.TOPIC.id()).setResourceName(topic).setConfigurationKeys(null));
        DescribeConfigsResponseData response = channel.call(ApiKeys.DESCRIBE_CONFIGS, v -> request, deadline());
        List<ConfigEntry> entries = new ArrayList<>();
        for (DescribeConfigsResponseData.DescribeConfigsResult r : response.results()) {
            check(topic, r.errorCode(), r.errorMessage());
            for (DescribeConfigsResponseData.DescribeConfigsResourceResult c : r.configs()) {
                entries.add(new ConfigEntry(c.name(), c.isSensitive() ? null : c.value(),
                        ConfigEntry.sourceName(c.configSource()), c.readOnly(), c.isSensitive()));
            }
        }
        entries.sort((a, b) -> a.name().compareTo(b.name()));
        return entries;
    }

    // ---- helpers ----

    /** Metadata for {@code topics} (null: all), never auto-creating; learns broker addresses on the way. */
    private MetadataResponseData metadata(List<String> topics) {
        MetadataResponseData response = channel.call(ApiKeys.METADATA, v -> {
            MetadataRequestData request = new MetadataRequestData().setAllowAutoTopicCreation(false);
            if (topics == null) {
                request.setTopics(null);
            } else {
                topics.forEach(t -> request.topics().add(new MetadataRequestData.MetadataRequestTopic().setName(t)));
            }
            return request;
        }, deadline());
        channel.learn(response);
        return response;
    }

    /** ListOffsets at {@code timestamp} (earliest or latest) for every partition, sent to each partition's leader. */
    private Map<String, Map<Integer, Long>> offsets(
            Map<String, List<MetadataResponseData.MetadataResponsePartition>> topics, long timestamp) {
        Map<Integer, Map<String, List<Integer>>> byLeader = new HashMap<>();
        Map<String, Map<Integer, Long>> out = new HashMap<>();
        topics.forEach((name, ps) -> {
            out.put(name, new HashMap<>());
            for (MetadataResponseData.MetadataResponsePartition p : ps) {
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
            }, deadline());
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

    private static void check(String topic, short errorCode, String message) {
        Errors error = Errors.forCode(errorCode);
        if (error == Errors.NONE) {
            return;
        }
        if (error == Errors.UNKNOWN_TOPIC_OR_PARTITION || error == Errors.UNKNOWN_TOPIC_ID) {
            throw new UnknownTopicException(topic);
        }
        String detail = message == null || message.isBlank() ? error.message() : message;
        throw error.exception(detail.contains(topic) ? detail : "Topic '" + topic + "': " + detail);
    }

    @Override
    public synchronized void close() {
        channel.close();
    }
}
