package io.samsa.metadata;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.IntPredicate;
import java.util.function.LongSupplier;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.BrokerIdNotRegisteredException;
import org.apache.kafka.common.errors.FencedLeaderEpochException;
import org.apache.kafka.common.errors.IneligibleReplicaException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.InvalidUpdateVersionException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.StaleBrokerEpochException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicIdException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer of the metadata: validates a request against the current image (with Kafka's errors),
 * turns it into records and writes them through {@link #write}: publishers prepare, the log commits, the state
 * machine applies. Calls are serialised on this object, so a check and the write it guards see the same image
 * as long as the log applies before its append completes (the local log does; in a cluster
 * {@link ControllerEventLoop} additionally waits for each write before the next call). A validation error
 * completes the returned stage exceptionally, as a failed write does.
 * <p>
 * Single node ({@link Settings#singleNode}): this node holds every partition and registers itself unfenced.
 * Cluster: partitions are placed over the unfenced brokers ({@link ReplicaPlacer}); brokers register fenced,
 * heartbeat ({@link BrokerSessions}, in memory), are unfenced once caught up and fenced when their session
 * expires ({@link #tick}) or they shut down; leaders and ISRs follow ({@link PartitionChanges}).
 */
public final class MetadataController implements ControllerApi {
    private static final Logger log = LoggerFactory.getLogger(MetadataController.class);

    /**
     * Kafka's controller refuses a CreateTopics request that adds more than 10,000 partitions
     * ({@code ReplicationControlManager.MAX_PARTITIONS_PER_BATCH}) with POLICY_VIOLATION, before allocating
     * anything; the same bound applies here to one topic, one request, and one CreatePartitions.
     */
    public static final int MAX_PARTITIONS_PER_REQUEST = 10_000;

    /**
     * @param nodeId the node running this controller (single node: leader and only replica of everything)
     * @param maxPartitions partitions the cluster holds at most over all topics ({@code max.partitions})
     * @param producerIdBlockSize ids per {@link ProducerIdsRecord} block
     * @param singleNode every partition is placed on {@code nodeId}, registered or not
     * @param defaultPartitions {@code num.partitions}: a CreateTopics with -1 partitions
     * @param defaultReplicationFactor {@code default.replication.factor}: a CreateTopics with replication factor -1
     * @param sessionTimeoutMs {@code broker.session.timeout.ms}: a broker silent for longer is fenced
     * @param uncleanLeaderElection {@code unclean.leader.election.enable}: an out-of-sync replica may lead
     */
    public record Settings(int nodeId, int maxPartitions, int producerIdBlockSize, TopicConfigValidator configs,
                           boolean singleNode, int defaultPartitions, short defaultReplicationFactor,
                           long sessionTimeoutMs, boolean uncleanLeaderElection, BrokerConfigValidator brokerConfigs) {
        /** Samsa's default {@code broker.session.timeout.ms} (Kafka's is 9000; Samsa fails over within 3 s). */
        public static final long DEFAULT_SESSION_TIMEOUT_MS = 2000;

        /** A single node's controller. */
        public Settings(int nodeId, int maxPartitions, int producerIdBlockSize, TopicConfigValidator configs) {
            this(nodeId, maxPartitions, producerIdBlockSize, configs, true, 1, (short) 1, DEFAULT_SESSION_TIMEOUT_MS,
                    false, BrokerConfigValidator.NONE);
        }

        /** A cluster's controller with Kafka's defaults (1 partition, replication factor 1, clean elections). */
        public static Settings cluster(int nodeId, int maxPartitions, int producerIdBlockSize,
                                       TopicConfigValidator configs) {
            return new Settings(nodeId, maxPartitions, producerIdBlockSize, configs, false, 1, (short) 1,
                    DEFAULT_SESSION_TIMEOUT_MS, false, BrokerConfigValidator.NONE);
        }

        public Settings withDefaults(int partitions, short replicationFactor) {
            return new Settings(nodeId, maxPartitions, producerIdBlockSize, configs, singleNode, partitions,
                    replicationFactor, sessionTimeoutMs, uncleanLeaderElection, brokerConfigs);
        }

        public Settings withSessionTimeoutMs(long timeoutMs) {
            return new Settings(nodeId, maxPartitions, producerIdBlockSize, configs, singleNode, defaultPartitions,
                    defaultReplicationFactor, timeoutMs, uncleanLeaderElection, brokerConfigs);
        }

        public Settings withUncleanLeaderElection(boolean enable) {
            return new Settings(nodeId, maxPartitions, producerIdBlockSize, configs, singleNode, defaultPartitions,
                    defaultReplicationFactor, sessionTimeoutMs, enable, brokerConfigs);
        }

        /** The rules of dynamic broker configs; without them ({@link BrokerConfigValidator#NONE}) all are refused. */
        public Settings withBrokerConfigs(BrokerConfigValidator validator) {
            return new Settings(nodeId, maxPartitions, producerIdBlockSize, configs, singleNode, defaultPartitions,
                    defaultReplicationFactor, sessionTimeoutMs, uncleanLeaderElection, validator);
        }
    }

    private final MetadataStateMachine state;
    private final MetadataLog metadataLog;
    private final Settings settings;
    private final LongSupplier clock;
    private final BrokerSessions sessions = new BrokerSessions();

    public MetadataController(MetadataStateMachine state, MetadataLog metadataLog, Settings settings) {
        this(state, metadataLog, settings, () -> System.nanoTime() / 1_000_000);
    }

    /** @param clock milliseconds on a monotonic clock (heartbeat sessions); tests pass a mock */
    public MetadataController(MetadataStateMachine state, MetadataLog metadataLog, Settings settings,
                              LongSupplier clock) {
        this.state = state;
        this.metadataLog = metadataLog;
        this.settings = settings;
        this.clock = clock;
    }

    public MetadataImage image() {
        return state.image();
    }

    public Settings settings() {
        return settings;
    }

    // ---- topics -------------------------------------------------------------------------------------------

    /** Checks a new topic without creating it (CreateTopics validateOnly, and before create). */
    public void validateCreateTopic(String name, int partitions, Map<String, String> configs) {
        validateCreateTopic(name, partitions, configs, false);
    }

    /** As above; {@code internal}: a broker creating an internal topic for itself (the only way to make one). */
    private void validateCreateTopic(String name, int partitions, Map<String, String> configs, boolean internal) {
        MetadataImage image = state.image();
        TopicNames.validate(name);
        if (TopicNames.isInternal(name) && !internal) {
            throw new InvalidRequestException("Creation of internal topic " + name + " is prohibited.");
        }
        if (image.topics().get(name) != null) {
            throw new TopicExistsException("Topic '" + name + "' already exists.");
        }
        if (partitions < 1) {
            throw new InvalidPartitionsException("Number of partitions must be larger than 0.");
        }
        checkPartitionBudget(image, partitions);
        validateConfigs(configs);
    }

    /** The validator's ConfigException as INVALID_CONFIG: it must travel as an ApiException to a remote caller. */
    private void validateConfigs(Map<String, String> configs) {
        try {
            settings.configs().validate(configs);
        } catch (ConfigException e) {
            throw new InvalidConfigurationException(e.getMessage(), e);
        }
    }

    /** The single-node form: placed by the controller, default replication factor; the topic as committed. */
    public CompletionStage<TopicImage> createTopic(String name, int partitions, Map<String, String> configs) {
        return createTopic(new CreateTopic(name, partitions, (short) -1, Map.of(), configs, false))
                .thenApply(created -> state.image().topics().get(created.topicId()));
    }

    @Override
    public synchronized CompletionStage<TopicResult> createTopic(CreateTopic request) {
        Uuid id;
        int partitions;
        short replicationFactor;
        List<MetadataRecord> records = new ArrayList<>();
        try {
            boolean manual = !request.assignments().isEmpty();
            if (manual && (request.partitions() != -1 || request.replicationFactor() != -1)) {
                throw new InvalidRequestException("Both numPartitions or replicationFactor and replicasAssignments "
                        + "were set. Both cannot be used at the same time.");
            }
            partitions = manual ? request.assignments().size()
                    : request.partitions() == -1 ? settings.defaultPartitions() : request.partitions();
            validateCreateTopic(request.name(), partitions, request.configs(), request.internal());
            List<List<Integer>> placement = manual ? checkAssignments(request.assignments())
                    : placer().place(0, partitions, request.replicationFactor() == -1
                    ? settings.defaultReplicationFactor() : request.replicationFactor());
            replicationFactor = (short) placement.get(0).size();
            if (request.validateOnly()) {
                return CompletableFuture.completedFuture(
                        new TopicResult(-1, Uuid.ZERO_UUID, request.name(), partitions, replicationFactor));
            }
            id = Uuid.randomUuid();
            records.add(new TopicRecord(request.name(), id));
            for (int p = 0; p < partitions; p++) {
                records.add(newPartition(id, p, placement.get(p)));
            }
            request.configs().forEach((k, v) -> records.add(ConfigRecord.topic(request.name(), k, v)));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return write(records).thenApply(offset ->
                new TopicResult(offset, id, request.name(), partitions, replicationFactor));
    }

    @Override
    public synchronized CompletionStage<TopicResult> deleteTopic(String name) {
        TopicImage topic = state.image().topics().get(name);
        if (topic == null) {
            return CompletableFuture.failedFuture(
                    new UnknownTopicOrPartitionException("Topic '" + name + "' does not exist."));
        }
        return write(List.of(new RemoveTopicRecord(topic.id()))).thenApply(offset -> result(offset, topic));
    }

    /** Grows a topic to {@code newCount} partitions; with {@code validateOnly} only checks and returns it as is. */
    @Override
    public synchronized CompletionStage<TopicResult> createPartitions(String name, int newCount,
                                                                     boolean validateOnly) {
        MetadataImage image = state.image();
        TopicImage topic = image.topics().get(name);
        List<MetadataRecord> records = new ArrayList<>();
        try {
            if (topic == null) {
                throw new UnknownTopicOrPartitionException("Topic '" + name + "' does not exist.");
            }
            if (newCount <= topic.partitionCount()) {
                throw new InvalidPartitionsException("Topic currently has " + topic.partitionCount()
                        + " partitions, which is higher than the requested " + newCount + ".");
            }
            checkPartitionBudget(image, newCount - topic.partitionCount());
            List<List<Integer>> placement = placer().place(topic.partitionCount(),
                    newCount - topic.partitionCount(), replicationFactor(topic));
            if (validateOnly) {
                return CompletableFuture.completedFuture(result(-1, topic));
            }
            for (int p = topic.partitionCount(); p < newCount; p++) {
                records.add(newPartition(topic.id(), p, placement.get(p - topic.partitionCount())));
            }
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return write(records).thenApply(offset -> result(offset, state.image().topics().get(topic.id())));
    }

    /**
     * Changes a topic's config overrides (Kafka's controller: the changes applied to the current overrides, the
     * result validated as a whole); records only for keys whose value changes. The stage carries the commit
     * offset, -1 for validate-only, or the current offset when nothing changes.
     */
    @Override
    public synchronized CompletionStage<Long> alterTopicConfigs(AlterTopicConfigs request) {
        MetadataImage image = state.image();
        List<MetadataRecord> records;
        try {
            if (request.topic().isEmpty()) {
                throw new InvalidRequestException("Default topic resources are not allowed.");
            }
            if (image.topics().get(request.topic()) == null) {
                throw new UnknownTopicOrPartitionException("The topic '" + request.topic() + "' does not exist.");
            }
            Map<String, String> before = image.configs().topic(request.topic());
            Map<String, String> after = TopicConfigChanges.apply(before, request, settings.configs());
            validateConfigs(after);
            if (request.validateOnly()) {
                return CompletableFuture.completedFuture(-1L);
            }
            records = TopicConfigChanges.records(request.topic(), before, after);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (!records.isEmpty()) {
            log.info("Altering the configs of topic {}: {}", request.topic(), records);
        }
        return write(records);
    }

    /**
     * Changes a broker resource's dynamic configs (KIP-226): {@code ""} the cluster-wide default, or a broker id
     * (any, registered or not, as Kafka's controller allows). The result is validated as a whole by the broker's
     * rules; records only for keys whose value changes, as for a topic.
     */
    @Override
    public synchronized CompletionStage<Long> alterBrokerConfigs(AlterBrokerConfigs request) {
        List<MetadataRecord> records;
        try {
            checkBrokerName(request.broker());
            Map<String, String> before = state.image().configs().broker(request.broker());
            Map<String, String> after = TopicConfigChanges.apply(before, request, settings.brokerConfigs());
            try {
                settings.brokerConfigs().validate(request.broker(), after);
            } catch (ConfigException e) {
                throw new InvalidConfigurationException(e.getMessage(), e);
            }
            if (request.validateOnly()) {
                return CompletableFuture.completedFuture(-1L);
            }
            records = TopicConfigChanges.records(new ConfigResource(ConfigResource.Type.BROKER, request.broker()),
                    before, after);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (!records.isEmpty()) {
            log.info("Altering the dynamic configs of broker {}: {}",
                    request.broker().isEmpty() ? "<default>" : request.broker(), records);
        }
        return write(records);
    }

    /** AlterUserScramCredentials: each user's change is checked on its own ({@link ScramChanges}). */
    @Override
    public synchronized CompletionStage<ScramResult> alterScramCredentials(AlterScramCredentials request) {
        ScramChanges.Plan plan = ScramChanges.plan(state.image().scram(), request);
        if (!plan.records().isEmpty()) {
            log.info("Altering SCRAM credentials: {}", plan.records());
        }
        return write(plan.records()).thenApply(offset -> new ScramResult(offset, plan.outcomes()));
    }

    /** CreateAcls: each binding is checked on its own ({@link AclChanges}). */
    @Override
    public synchronized CompletionStage<AclCreateResult> createAcls(List<NewAcl> bindings) {
        AclChanges.CreatePlan plan = AclChanges.create(state.image().acls(), bindings);
        if (!plan.records().isEmpty()) {
            log.info("Creating ACLs: {}", plan.records());
        }
        return write(plan.records()).thenApply(offset -> new AclCreateResult(offset, plan.outcomes()));
    }

    /** DeleteAcls: every filter's matches, removed in one commit. */
    @Override
    public synchronized CompletionStage<AclDeleteResult> deleteAcls(List<AclBindingFilter> filters) {
        AclChanges.DeletePlan plan = AclChanges.delete(state.image().acls(), filters);
        if (!plan.records().isEmpty()) {
            log.info("Deleting ACLs: {}", plan.records());
        }
        return write(plan.records()).thenApply(offset -> new AclDeleteResult(offset, plan.results()));
    }

    /** AlterClientQuotas: each entity's changes are checked on their own ({@link ClientQuotaChanges}). */
    @Override
    public synchronized CompletionStage<QuotaResult> alterClientQuotas(List<ClientQuotaAlteration> entries,
                                                                    boolean validateOnly) {
        ClientQuotaChanges.Plan plan = ClientQuotaChanges.plan(state.image().quotas(), entries);
        List<MetadataRecord> records = validateOnly ? List.of() : plan.records();
        if (!records.isEmpty()) {
            log.info("Altering client quotas: {}", records);
        }
        return write(records).thenApply(offset -> new QuotaResult(offset, plan.outcomes()));
    }

    /** Kafka's controller: a broker resource is "" (the default) or a broker id. */
    private static void checkBrokerName(String broker) {
        if (broker.isEmpty()) {
            return;
        }
        try {
            if (Integer.parseInt(broker) >= 0) {
                return;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new InvalidRequestException("Invalid broker name " + broker);
    }

    /** Hands {@code brokerId} the next block of producer ids, above every block handed out before. */
    @Override
    public synchronized CompletionStage<ProducerIdsResult> allocateProducerIds(int brokerId) {
        ProducerIdsRecord block = new ProducerIdsRecord(brokerId, state.image().nextProducerId(),
                settings.producerIdBlockSize());
        return write(List.of(block)).thenApply(offset -> new ProducerIdsResult(offset, block));
    }

    // ---- brokers ------------------------------------------------------------------------------------------

    /**
     * A broker (re)starts: a fenced registration whose epoch is its commit offset. A new incarnation replaces the
     * old life (whose epoch no longer counts) and takes its leaderships away in the same batch; the same
     * incarnation again (a retried call) gets its registration back unchanged.
     */
    @Override
    public synchronized CompletionStage<Registered> registerBroker(BrokerRegistration request) {
        MetadataImage image = state.image();
        BrokerRegistrationRecord existing = image.broker(request.brokerId());
        sessions.registered(request.brokerId(), clock.getAsLong());
        if (existing != null && existing.incarnationId().equals(request.incarnationId())) {
            return CompletableFuture.completedFuture(new Registered(image.offset(), existing.brokerEpoch()));
        }
        List<MetadataRecord> records = new ArrayList<>();
        records.add(new BrokerRegistrationRecord(request.brokerId(), request.incarnationId(), request.endpoints(),
                request.rack(), BrokerRegistrationRecord.NEW_EPOCH, true));
        if (existing != null && !existing.fenced()) {
            records.addAll(PartitionChanges.removeBrokers(image, Set.of(request.brokerId()),
                    eligibleExcept(image, Set.of(request.brokerId())), settings.uncleanLeaderElection()));
        }
        log.info("Registering broker {} (incarnation {}, rack {})", request.brokerId(), request.incarnationId(),
                request.rack());
        return write(records).thenApply(offset -> new Registered(offset, offset));
    }

    /**
     * A broker is alive. Fenced and caught up with its own registration: unfenced, and it leads where partitions
     * have no leader and it is in the ISR. Wanting to shut down: its leaderships move to other ISR members, it
     * leaves every ISR that keeps another member, it is fenced; it may stop once it leads nothing.
     */
    @Override
    public synchronized CompletionStage<HeartbeatResult> heartbeat(BrokerHeartbeat request) {
        MetadataImage image = state.image();
        BrokerRegistrationRecord broker;
        try {
            broker = checkEpoch(image, request.brokerId(), request.brokerEpoch());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        int id = request.brokerId();
        sessions.touch(id, clock.getAsLong());
        if (request.wantShutdown() || sessions.isShuttingDown(id)) {
            sessions.markShuttingDown(id);
            List<MetadataRecord> records = new ArrayList<>(PartitionChanges.removeBrokers(image, Set.of(id),
                    eligibleExcept(image, Set.of(id)), settings.uncleanLeaderElection()));
            if (!broker.fenced()) {
                records.add(new FenceBrokerRecord(id, broker.brokerEpoch()));
            }
            if (records.isEmpty()) {
                return CompletableFuture.completedFuture(new HeartbeatResult(image.offset(), true, !leadsAny(image, id)));
            }
            log.info("Broker {} is shutting down: moving {} partition(s) away and fencing it", id, records.size());
            return write(records).thenApply(offset ->
                    new HeartbeatResult(offset, true, !leadsAny(state.image(), id)));
        }
        if (broker.fenced() && request.metadataOffset() >= broker.brokerEpoch()) {
            List<MetadataRecord> records = new ArrayList<>();
            records.add(new UnfenceBrokerRecord(id, broker.brokerEpoch()));
            MetadataImage unfenced = new MetadataDelta(image).replay(List.of(records.get(0)), image.offset()).apply();
            records.addAll(PartitionChanges.electLeaderless(unfenced, eligibleExcept(unfenced, Set.of()),
                    settings.uncleanLeaderElection()));
            log.info("Unfencing broker {} (caught up to offset {})", id, request.metadataOffset());
            return write(records).thenApply(offset -> new HeartbeatResult(offset, false, false));
        }
        return CompletableFuture.completedFuture(new HeartbeatResult(image.offset(), broker.fenced(), false));
    }

    /**
     * A partition leader changes its ISR: only the current leader at the current leader and partition epochs;
     * the new ISR holds the leader, only replicas, and adds only unfenced brokers. Commits the record with the
     * next partition epoch (the leader epoch stays).
     */
    @Override
    public synchronized CompletionStage<PartitionResult> alterPartition(AlterPartition request) {
        MetadataImage image = state.image();
        PartitionRecord changed;
        try {
            checkEpoch(image, request.brokerId(), request.brokerEpoch());
            TopicImage topic = image.topics().get(request.topicId());
            if (topic == null) {
                throw new UnknownTopicIdException("Topic id " + request.topicId() + " does not exist.");
            }
            PartitionRecord p = topic.partition(request.partition());
            if (p == null) {
                throw new UnknownTopicOrPartitionException("Partition " + topic.name() + "-" + request.partition()
                        + " does not exist.");
            }
            if (request.leaderEpoch() != p.leaderEpoch()) {
                throw new FencedLeaderEpochException("Leader epoch " + request.leaderEpoch() + " of "
                        + topic.name() + "-" + p.partition() + " is not the current " + p.leaderEpoch() + ".");
            }
            if (request.brokerId() != p.leader()) {
                throw new NotLeaderOrFollowerException("Broker " + request.brokerId() + " does not lead "
                        + topic.name() + "-" + p.partition() + " (leader " + p.leader() + ").");
            }
            if (request.partitionEpoch() != p.partitionEpoch()) {
                throw new InvalidUpdateVersionException("Partition epoch " + request.partitionEpoch() + " of "
                        + topic.name() + "-" + p.partition() + " is not the current " + p.partitionEpoch() + ".");
            }
            checkNewIsr(image, p, request.newIsr(), topic.name());
            changed = PartitionChanges.change(p, p.leader(), request.newIsr());
            if (changed == null) {
                return CompletableFuture.completedFuture(new PartitionResult(image.offset(), p));
            }
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return write(List.of(changed)).thenApply(offset -> new PartitionResult(offset, changed));
    }

    /** A new active controller: every registered broker gets a fresh session (nobody is fenced for the gap). */
    public synchronized void onBecomeActive(long nowMs) {
        onBecomeActive(nowMs, Map.of());
    }

    /**
     * A new active controller: every registered broker gets a fresh session, except those in {@code lastContactMs},
     * known silent since then (the former quorum leader's own broker: it stopped answering the quorum, which is
     * why this node was elected). Their sessions count from that contact, so a killed controller's broker is
     * fenced a session after it died, not a session after the election.
     */
    public synchronized void onBecomeActive(long nowMs, Map<Integer, Long> lastContactMs) {
        sessions.resetAll(state.image().brokers().keySet(), nowMs, lastContactMs);
    }

    /**
     * Fences every unfenced broker silent for longer than {@code broker.session.timeout.ms}: its leaderships move
     * to other eligible ISR members (or -1), it leaves the ISRs that keep another member. Completes with the
     * commit offset, or the current one if nobody expired.
     */
    public synchronized CompletionStage<Long> tick(long nowMs) {
        MetadataImage image = state.image();
        sessions.checked(nowMs, settings.sessionTimeoutMs());
        List<Integer> expired = sessions.expired(image.unfencedBrokers(), nowMs, settings.sessionTimeoutMs());
        if (expired.isEmpty()) {
            return CompletableFuture.completedFuture(image.offset());
        }
        log.warn("Fencing broker(s) {}: no heartbeat for more than {} ms", expired, settings.sessionTimeoutMs());
        List<MetadataRecord> records = new ArrayList<>();
        for (int id : expired) {
            records.add(new FenceBrokerRecord(id, image.broker(id).brokerEpoch()));
        }
        records.addAll(PartitionChanges.removeBrokers(image, new HashSet<>(expired),
                eligibleExcept(image, new HashSet<>(expired)), settings.uncleanLeaderElection()));
        return write(records);
    }

    /** Preferred leader election: the first replica leads where it is eligible, in the ISR and not the leader. */
    public synchronized CompletionStage<Long> electPreferredLeaders() {
        MetadataImage image = state.image();
        List<MetadataRecord> records = new ArrayList<>(
                PartitionChanges.preferredLeaders(image, eligibleExcept(image, Set.of())));
        if (!records.isEmpty()) {
            log.info("Preferred leader election moves {} leadership(s)", records.size());
        }
        return write(records);
    }

    // ---- the write path -----------------------------------------------------------------------------------

    /**
     * Writes records as one atomic batch: every publisher prepares (a failure vetoes it), the log commits and
     * applies it, and the stage completes with the offset of its last record. Used directly by the import of an
     * old data directory and by the single node's own registration.
     */
    public synchronized CompletionStage<Long> write(List<MetadataRecord> records) {
        if (records.isEmpty()) {
            return CompletableFuture.completedFuture(state.image().offset());
        }
        MetadataImage current = state.image();
        MetadataDelta delta = null;
        List<MetadataPublisher> prepared = new ArrayList<>();
        try {
            delta = new MetadataDelta(current).replay(records, current.offset() + records.size());
            MetadataImage preview = delta.apply();
            for (MetadataPublisher p : state.publishers()) {
                prepared.add(p);
                p.prepare(delta, preview);
            }
        } catch (MetadataConflictException e) {
            abort(prepared, delta, e);
            return CompletableFuture.failedFuture(e.toApiException());
        } catch (IOException | RuntimeException e) {
            abort(prepared, delta, e);
            return CompletableFuture.failedFuture(e);
        }
        MetadataDelta written = delta;
        return metadataLog.append(records).whenComplete((offset, error) -> {
            if (error != null) {
                abort(prepared, written, error);
                return;
            }
            try {
                metadataLog.maybeSnapshot(state.image());
            } catch (IOException | RuntimeException e) {
                log.warn("Writing a metadata snapshot failed; the log keeps growing until the next one", e);
            }
        });
    }

    private static void abort(List<MetadataPublisher> prepared, MetadataDelta delta, Throwable cause) {
        if (delta == null) {
            return; // the records themselves were invalid: nothing was prepared
        }
        for (int i = prepared.size() - 1; i >= 0; i--) {
            try {
                prepared.get(i).abort(delta);
            } catch (RuntimeException e) {
                cause.addSuppressed(e);
            }
        }
    }

    // ---- checks and helpers -------------------------------------------------------------------------------

    /** Refuses {@code added} more partitions beyond the per-request or the cluster's total limit. */
    private void checkPartitionBudget(MetadataImage image, int added) {
        if (added > MAX_PARTITIONS_PER_REQUEST) {
            throw new PolicyViolationException("Excessively large number of partitions per request: " + added
                    + " (at most " + MAX_PARTITIONS_PER_REQUEST + ").");
        }
        int total = image.topics().totalPartitions();
        if ((long) total + added > settings.maxPartitions()) {
            throw new PolicyViolationException("Adding " + added + " partitions would exceed this broker's "
                    + "max.partitions (" + settings.maxPartitions() + "); it holds " + total + ".");
        }
    }

    /** The brokers new partitions may go to: this node alone, or every unfenced broker not shutting down. */
    private ReplicaPlacer placer() {
        MetadataImage image = state.image();
        List<ReplicaPlacer.Broker> usable = new ArrayList<>();
        if (settings.singleNode()) {
            BrokerRegistrationRecord self = image.broker(settings.nodeId());
            usable.add(new ReplicaPlacer.Broker(settings.nodeId(), self == null ? null : self.rack()));
        } else {
            for (int id : image.unfencedBrokers()) {
                if (!sessions.isShuttingDown(id)) {
                    usable.add(new ReplicaPlacer.Broker(id, image.broker(id).rack()));
                }
            }
        }
        return new ReplicaPlacer(usable);
    }

    /** Manual assignments (Kafka's checks): partitions 0..n-1, same size, no duplicates, registered brokers. */
    private List<List<Integer>> checkAssignments(Map<Integer, List<Integer>> assignments) {
        MetadataImage image = state.image();
        List<List<Integer>> placement = new ArrayList<>();
        for (int p = 0; p < assignments.size(); p++) {
            List<Integer> replicas = assignments.get(p);
            if (replicas == null) {
                throw new InvalidReplicaAssignmentException("Partitions should be numbered consecutively from 0 "
                        + "in the manual partition assignment; partition " + p + " is missing.");
            }
            if (replicas.isEmpty()) {
                throw new InvalidReplicaAssignmentException(
                        "The manual partition assignment includes an empty replica list.");
            }
            if (!placement.isEmpty() && placement.get(0).size() != replicas.size()) {
                throw new InvalidReplicaAssignmentException("The manual partition assignment includes a partition "
                        + "with " + replicas.size() + " replica(s), but this is inconsistent with previous "
                        + "partitions, which have " + placement.get(0).size() + " replica(s).");
            }
            Set<Integer> seen = new HashSet<>();
            for (int b : replicas) {
                if (!seen.add(b)) {
                    throw new InvalidReplicaAssignmentException(
                            "The manual partition assignment includes the broker " + b + " more than once.");
                }
                boolean registered = settings.singleNode() ? b == settings.nodeId() : image.broker(b) != null;
                if (!registered) {
                    throw new InvalidReplicaAssignmentException("The manual partition assignment includes broker "
                            + b + ", but no such broker is registered.");
                }
            }
            if (!settings.singleNode() && replicas.stream().noneMatch(image::isUnfenced)) {
                throw new InvalidReplicaAssignmentException("All brokers specified in the manual partition "
                        + "assignment for partition " + p + " are fenced or in controlled shutdown.");
            }
            placement.add(List.copyOf(replicas));
        }
        return placement;
    }

    /** A new partition: every replica in sync; the first one that may lead is the leader. */
    private PartitionRecord newPartition(Uuid topicId, int partition, List<Integer> replicas) {
        MetadataImage image = state.image();
        int leader = replicas.stream().filter(b -> settings.singleNode() || image.isUnfenced(b)).findFirst()
                .orElse(replicas.get(0));
        List<Integer> isr = settings.singleNode() ? replicas
                : replicas.stream().filter(image::isUnfenced).toList();
        return new PartitionRecord(topicId, partition, replicas, isr, leader, 0, 0);
    }

    private void checkNewIsr(MetadataImage image, PartitionRecord p, List<Integer> newIsr, String topic) {
        if (!newIsr.contains(p.leader())) {
            throw new InvalidRequestException("The new ISR " + newIsr + " of " + topic + "-" + p.partition()
                    + " does not contain the leader " + p.leader() + ".");
        }
        if (new HashSet<>(newIsr).size() != newIsr.size() || !p.replicas().containsAll(newIsr)) {
            throw new InvalidRequestException("The new ISR " + newIsr + " of " + topic + "-" + p.partition()
                    + " is not a set of its replicas " + p.replicas() + ".");
        }
        for (int b : newIsr) {
            if (!p.isr().contains(b) && (!image.isUnfenced(b) || sessions.isShuttingDown(b))) {
                throw new IneligibleReplicaException("Broker " + b + " may not join the ISR of " + topic + "-"
                        + p.partition() + ": it is fenced or shutting down.");
            }
        }
    }

    private static BrokerRegistrationRecord checkEpoch(MetadataImage image, int brokerId, long epoch) {
        BrokerRegistrationRecord broker = image.broker(brokerId);
        if (broker == null) {
            throw new BrokerIdNotRegisteredException("Broker " + brokerId + " is not registered.");
        }
        if (broker.brokerEpoch() != epoch) {
            throw new StaleBrokerEpochException("Broker " + brokerId + " epoch " + epoch
                    + " is not the registered one (" + broker.brokerEpoch() + ").");
        }
        return broker;
    }

    /** Who may lead: unfenced, not shutting down, not in {@code leaving}. */
    private IntPredicate eligibleExcept(MetadataImage image, Set<Integer> leaving) {
        return b -> image.isUnfenced(b) && !leaving.contains(b) && !sessions.isShuttingDown(b);
    }

    private static boolean leadsAny(MetadataImage image, int brokerId) {
        return image.topics().all().stream()
                .anyMatch(t -> t.partitions().values().stream().anyMatch(p -> p.leader() == brokerId));
    }

    private static short replicationFactor(TopicImage topic) {
        PartitionRecord first = topic.partition(0);
        return (short) (first == null ? 1 : first.replicas().size());
    }

    private static TopicResult result(long offset, TopicImage topic) {
        return new TopicResult(offset, topic.id(), topic.name(), topic.partitionCount(), replicationFactor(topic));
    }
}
