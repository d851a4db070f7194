package io.samsa.clients.admin;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.common.TopicPartition;
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
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

import io.samsa.clients.core.ClientCore;
import io.samsa.clients.core.ClientSettings;

/**
 * Samsa's admin client: create, list, describe and delete topics, add partitions, read and change topic configs,
 * delete a partition's records before an offset; list, describe and delete consumer groups, read their offsets and
 * lag, reset their offsets; list and describe transactional ids and the producers a partition holds state for;
 * describe the cluster (brokers, racks, controller) and its metadata quorum; manage SCRAM users and client quotas.
 * Each call blocks until the broker answers or {@code timeout} passes; calls are serialized. Broker errors are
 * thrown as Kafka's {@link ApiException}s ({@code TopicExistsException}, {@code InvalidReplicationFactorException},
 * {@code GroupNotEmptyException}, ...), an unknown topic as {@link UnknownTopicException}, an unknown group as
 * {@link UnknownGroupException}, no reachable broker as {@link BrokerUnreachableException}.
 *
 * <p>Thread-safe: calls are serialized ({@code synchronized}) and each runs its I/O on the calling thread.
 */
public final class SamsaAdmin implements AutoCloseable {
    private static final AtomicInteger CLIENT_IDS = new AtomicInteger(1);

    private final AdminChannel channel;
    private final long timeoutMs;
    private final GroupCalls groups;
    private final ClusterCalls cluster;
    private final TransactionCalls transactions;
    private final UserCalls users;
    private final QuotaCalls quotas;

    /** A convenience for {@link #create(Map)}: these servers, every call bounded by 30 seconds. */
    public SamsaAdmin(String bootstrapServers) {
        this(bootstrapServers, Duration.ofSeconds(30));
    }

    /** A convenience for {@link #create(Map)}: these servers, every call (and each request) bounded by {@code timeout}. */
    public SamsaAdmin(String bootstrapServers, Duration timeout) {
        this(new AdminClientConfig(convenienceConfig(bootstrapServers, timeout)));
    }

    /** Kafka's admin configuration ({@code AdminClientConfig} names, defaults and validation). */
    public static SamsaAdmin create(Properties properties) {
        return create(ClientSettings.toMap(properties));
    }

    /**
     * Kafka's admin configuration: {@code bootstrap.servers}, {@code client.id}, {@code request.timeout.ms} (each
     * request), {@code default.api.timeout.ms} (each call), {@code reconnect.backoff.ms}, {@code
     * security.protocol} with {@code ssl.*} and {@code sasl.mechanism} / {@code sasl.jaas.config}, ...
     */
    public static SamsaAdmin create(Map<String, Object> configs) {
        return new SamsaAdmin(new AdminClientConfig(configs));
    }

    private SamsaAdmin(AdminClientConfig config) {
        String cid = config.getString(AdminClientConfig.CLIENT_ID_CONFIG);
        String clientId = cid == null || cid.isEmpty() ? "samsa-admin-" + CLIENT_IDS.getAndIncrement() : cid;
        this.timeoutMs = config.getInt(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG);
        this.channel = new AdminChannel(new ClientCore(ClientSettings.from(config, clientId)));
        this.groups = new GroupCalls(channel, timeoutMs, this::metadata);
        this.cluster = new ClusterCalls(channel);
        this.transactions = new TransactionCalls(channel, this::metadata);
        this.users = new UserCalls(channel);
        this.quotas = new QuotaCalls(channel);
    }

    private static Map<String, Object> convenienceConfig(String bootstrapServers, Duration timeout) {
        int ms = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        Map<String, Object> m = new HashMap<>();
        m.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        m.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
        m.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
        // reconnect.backoff.ms: AdminClientConfig's default, 50 ms, as before (setting it would log a warning)
        m.put(AdminClientConfig.SEND_BUFFER_CONFIG, -1); // the OS default, as this client always used
        return m;
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
        Map<String, Map<Integer, Long>> start = ListOffsetsLookup.offsets(channel, partitions,
                ListOffsetsLookup.EARLIEST, timeoutMs, deadline(), this::metadata);
        Map<String, Map<Integer, Long>> end = ListOffsetsLookup.offsets(channel, partitions,
                ListOffsetsLookup.LATEST, timeoutMs, deadline(), this::metadata);
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

    /**
     * Changes a topic's config overrides in one IncrementalAlterConfigs call: {@code set} keys get their values,
     * {@code delete} keys go back to the broker's default. An invalid name or value fails the whole change
     * (InvalidConfigurationException) and changes nothing.
     */
    public synchronized void alterConfigs(String topic, Map<String, String> set, Collection<String> delete) {
        IncrementalAlterConfigsRequestData.AlterConfigsResource resource =
                new IncrementalAlterConfigsRequestData.AlterConfigsResource()
                        .setResourceType(ConfigResource.Type.TOPIC.id()).setResourceName(topic);
        set.forEach((k, v) -> resource.configs().add(new IncrementalAlterConfigsRequestData.AlterableConfig()
                .setName(k).setConfigOperation(AlterConfigOp.OpType.SET.id()).setValue(v)));
        delete.forEach(k -> resource.configs().add(new IncrementalAlterConfigsRequestData.AlterableConfig()
                .setName(k).setConfigOperation(AlterConfigOp.OpType.DELETE.id()).setValue(null)));
        IncrementalAlterConfigsRequestData request = new IncrementalAlterConfigsRequestData();
        request.resources().add(resource);
        IncrementalAlterConfigsResponseData response = channel.call(ApiKeys.INCREMENTAL_ALTER_CONFIGS,
                v -> request, deadline());
        for (IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse r : response.responses()) {
            check(topic, r.errorCode(), r.errorMessage());
        }
    }

    /**
     * Deletes the records of a partition before {@code offset} (-1: all committed records) on its leader, moving
     * its log start there; returns the new log start. OffsetOutOfRangeException for an offset past the high
     * watermark, PolicyViolationException for a topic whose cleanup.policy is compact only.
     */
    public synchronized long deleteRecords(String topic, int partition, long offset) {
        return RecordDeletion.deleteBefore(channel, topic, partition, offset, timeoutMs, deadline(), this::metadata);
    }

    /**
     * Every topic's partitions with leader, replicas and ISR from one Metadata request (log offsets -1): quick,
     * and it needs no answer from the partitions' leaders, so it works while a broker is down.
     */
    public synchronized Map<String, TopicDescription> describeTopicsLeadership() {
        Map<String, TopicDescription> out = new TreeMap<>();
        for (MetadataResponseData.MetadataResponseTopic t : metadata(null).topics()) {
            List<TopicDescription.Partition> ps = new ArrayList<>();
            t.partitions().forEach(p -> ps.add(new TopicDescription.Partition(p.partitionIndex(), p.leaderId(),
                    List.copyOf(p.replicaNodes()), List.copyOf(p.isrNodes()), -1, -1)));
            ps.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
            out.put(t.name(), new TopicDescription(t.name(), t.topicId(), List.copyOf(ps)));
        }
        return out;
    }

    // ---- cluster ----

    /** The cluster id, the active controller and the brokers with their racks (DescribeCluster). */
    public synchronized ClusterDescription describeCluster() {
        return cluster.describeCluster(deadline());
    }

    /** The metadata quorum: leader, epoch, high watermark, voters and observers (DescribeQuorum). */
    public synchronized QuorumDescription describeQuorum() {
        return cluster.describeQuorum(deadline());
    }

    // ---- groups ----

    /** Every group the brokers coordinate, sorted by id. */
    public synchronized List<GroupListing> listGroups() {
        return groups.list(deadline());
    }

    /** The group's state, protocol and members, each with its assignment; {@link UnknownGroupException} if none. */
    public synchronized GroupDescription describeGroup(String groupId) {
        return groups.describe(groupId, deadline());
    }

    /**
     * The group's position in every partition it has committed an offset for or has assigned to a member,
     * sorted by topic and partition, with each partition's log end offset and the lag.
     */
    public synchronized List<GroupOffset> listGroupOffsets(String groupId) {
        return groups.offsets(groupId, deadline());
    }

    /**
     * Moves the group's committed offsets for {@code partitions} as {@code to} says, clamped to each partition's
     * log; with {@code execute} false only plans (a dry run). Returns the plan, sorted. Only an Empty group (or
     * one not created yet, which committing creates, as with Kafka's tool) can be reset: otherwise
     * {@code GroupNotEmptyException}. An unknown topic is {@link UnknownTopicException}; a missing partition, or
     * a shift where nothing is committed, {@link IllegalArgumentException}.
     */
    public synchronized List<OffsetChange> resetGroupOffsets(String groupId, Collection<TopicPartition> partitions,
                                                             OffsetReset to, boolean execute) {
        return groups.reset(groupId, partitions, to, execute, deadline());
    }

    /** Deletes an Empty group and its offsets; {@code GroupNotEmptyException} while it has members. */
    public synchronized void deleteGroup(String groupId) {
        groups.delete(groupId, deadline());
    }

    // ---- transactions ----

    /**
     * Every transactional id the brokers coordinate, sorted by id; only those in one of {@code states} (Kafka's
     * names: Ongoing, CompleteCommit, ...) and held by one of {@code producerIds}, unless that filter is empty.
     * An unknown state name is an {@link IllegalArgumentException}.
     */
    public synchronized List<TransactionListing> listTransactions(Collection<String> states,
                                                                  Collection<Long> producerIds) {
        return transactions.list(states, producerIds, deadline());
    }

    /** The id as its transaction coordinator describes it; {@code TransactionalIdNotFoundException} if unknown. */
    public synchronized TransactionDescription describeTransaction(String transactionalId) {
        return transactions.describe(transactionalId, deadline());
    }

    /**
     * The producers the partition's leader keeps state for, sorted by producer id; {@link UnknownTopicException}
     * for an unknown topic.
     */
    public synchronized List<ProducerState> describeProducers(String topic, int partition) {
        return transactions.producers(topic, partition, deadline());
    }

    // ---- SCRAM users ----

    /** Every user with SCRAM credentials, sorted by name, with the mechanism and iterations of each credential. */
    public synchronized Map<String, List<UserCredential>> listUsers() {
        return users.list(deadline());
    }

    /**
     * Adds or replaces {@code user}'s SCRAM credential for {@code mechanism} ({@code SCRAM-SHA-256} or
     * {@code SCRAM-SHA-512}); only a salted form of the password is sent. Iterations: 4096–16384.
     */
    public synchronized void upsertUser(String user, String mechanism, String password, int iterations) {
        users.upsert(user, mechanism, password, iterations, deadline());
    }

    /** Deletes {@code user}'s credential for {@code mechanism}; {@code ResourceNotFoundException} if none. */
    public synchronized void deleteUser(String user, String mechanism) {
        users.delete(user, mechanism, deadline());
    }

    // ---- client quotas ----

    /** Every entity with a client quota, with its values by key (Kafka's: {@code producer_byte_rate}, ...). */
    public synchronized Map<QuotaEntity, Map<String, Double>> listQuotas() {
        return quotas.describe(null, deadline());
    }

    /** {@code entity}'s own quota values by key (empty when it has none); not those of entities including it. */
    public synchronized Map<String, Double> describeQuotas(QuotaEntity entity) {
        return quotas.describe(entity, deadline()).getOrDefault(entity, Map.of());
    }

    /**
     * Sets {@code set}'s quota keys on {@code entity} and removes {@code remove}'s, all in one change the broker
     * applies whole or not at all. An unknown key or a bad value is Kafka's {@code InvalidRequestException};
     * removing a key that is not set is no error (as with Kafka).
     */
    public synchronized void alterQuotas(QuotaEntity entity, Map<String, Double> set, Collection<String> remove) {
        quotas.alter(entity, set, remove, deadline());
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
