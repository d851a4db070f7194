package io.samsa.metadata;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.quota.ClientQuotaEntity;

/**
 * The changes of a batch of records on top of a base image. {@link #replay} takes records in log order;
 * {@link #apply} yields the next image copy-on-write: a part of the image no record touched (the topics, the
 * configs, the brokers, each unchanged topic) is the same object in both images. Publishers read what changed
 * from here instead of diffing images. A record that a concurrent or stale writer can produce is a
 * {@link MetadataConflictException}: a topic whose name or id exists (TOPIC_ALREADY_EXISTS), a change of an
 * existing partition whose partition epoch is not exactly the current one plus one (INVALID_UPDATE_VERSION), a
 * fence or unfence of a broker life that is not the registered one (STALE_BROKER_EPOCH). Other contradictions
 * (a partition of an unknown topic) are an IllegalStateException: the controller never writes one.
 * Not thread-safe: built and applied by one thread.
 */
public final class MetadataDelta {
    private final MetadataImage base;
    private final Map<Uuid, TopicBuilder> changedTopics = new LinkedHashMap<>();
    private final Map<String, TopicBuilder> changedByName = new HashMap<>();
    private final Set<Uuid> createdTopicIds = new LinkedHashSet<>();
    private final Map<Uuid, TopicImage> removedTopics = new LinkedHashMap<>();
    private final Map<ConfigResource, Map<String, String>> changedConfigs = new LinkedHashMap<>();
    private final Map<Integer, BrokerRegistrationRecord> changedBrokers = new LinkedHashMap<>();
    /** Users whose credentials changed: their whole new set of credentials by mechanism (empty: none left). */
    private final Map<String, Map<Byte, ScramCredentialRecord>> changedScram = new LinkedHashMap<>();
    /** ACL bindings added (the binding) or removed (null) by this delta, by id. */
    private final Map<Uuid, AclRecord> changedAcls = new LinkedHashMap<>();
    /** Client quota entities whose quotas changed: their whole new set of quotas by key (empty: none left). */
    private final Map<ClientQuotaEntity, Map<String, Double>> changedQuotas = new LinkedHashMap<>();
    private long nextProducerId;
    private long offset;
    private long batchOffset;
    private final boolean checkEpochs;

    public MetadataDelta(MetadataImage base) {
        this(base, true);
    }

    private MetadataDelta(MetadataImage base, boolean checkEpochs) {
        this.checkEpochs = checkEpochs;
        this.base = base;
        this.nextProducerId = base.nextProducerId();
        this.offset = base.offset();
        this.batchOffset = base.offset() + 1;
    }

    /**
     * A delta that moves {@code base} to a snapshot's state ({@code ImageDiff}): partition and broker epochs may
     * jump by more than one, since the snapshot skipped the changes in between, so epochs are not checked.
     */
    static MetadataDelta forReload(MetadataImage base) {
        return new MetadataDelta(base, false);
    }

    public MetadataImage base() {
        return base;
    }

    /** Replays records committed at {@code offset} (the offset of the last record of the batch). */
    public MetadataDelta replay(List<MetadataRecord> records, long offset) {
        batchOffset = offset;
        records.forEach(this::replay);
        this.offset = offset;
        return this;
    }

    public void replay(MetadataRecord record) {
        if (record instanceof TopicRecord r) {
            if (topic(r.name()) != null || topic(r.topicId()) != null) {
                throw new MetadataConflictException(Errors.TOPIC_ALREADY_EXISTS,
                        "Topic '" + r.name() + "' already exists.");
            }
            TopicBuilder created = new TopicBuilder(r.name(), r.topicId(), new TreeMap<>());
            changedTopics.put(r.topicId(), created);
            changedByName.put(r.name(), created);
            createdTopicIds.add(r.topicId());
        } else if (record instanceof PartitionRecord r) {
            TopicBuilder b = builder(r.topicId());
            PartitionRecord old = b.partitions.get(r.partition());
            if (checkEpochs && old != null && r.partitionEpoch() != old.partitionEpoch() + 1) {
                throw new MetadataConflictException(Errors.INVALID_UPDATE_VERSION, "Partition " + b.name + "-"
                        + r.partition() + " is at partition epoch " + old.partitionEpoch() + "; a change to epoch "
                        + r.partitionEpoch() + " was written against a stale state");
            }
            b.partitions.put(r.partition(), r);
        } else if (record instanceof ConfigRecord r) {
            Map<String, String> configs = changedConfigs.computeIfAbsent(r.resource(),
                    res -> new TreeMap<>(base.configs().byResource().getOrDefault(res, Map.of())));
            if (r.isRemoval()) {
                configs.remove(r.key());
            } else {
                configs.put(r.key(), r.value());
            }
        } else if (record instanceof ProducerIdsRecord r) {
            nextProducerId = Math.max(nextProducerId, r.nextBlockStart());
        } else if (record instanceof BrokerRegistrationRecord r) {
            changedBrokers.put(r.brokerId(),
                    r.brokerEpoch() == BrokerRegistrationRecord.NEW_EPOCH ? r.withEpoch(batchOffset) : r);
        } else if (record instanceof FenceBrokerRecord r) {
            changedBrokers.put(r.brokerId(), registration(r.brokerId(), r.brokerEpoch()).withFenced(true));
        } else if (record instanceof UnfenceBrokerRecord r) {
            changedBrokers.put(r.brokerId(), registration(r.brokerId(), r.brokerEpoch()).withFenced(false));
        } else if (record instanceof RemoveTopicRecord r) {
            removeTopic(r.topicId());
        } else if (record instanceof ScramCredentialRecord r) {
            scramOf(r.user()).put(r.mechanism(), r);
        } else if (record instanceof RemoveScramCredentialRecord r) {
            scramOf(r.user()).remove(r.mechanism());
        } else if (record instanceof AclRecord r) {
            changedAcls.put(r.id(), r);
        } else if (record instanceof RemoveAclRecord r) {
            AclRecord existing = changedAcls.containsKey(r.id()) ? changedAcls.get(r.id()) : base.acls().get(r.id());
            if (existing == null) {
                throw new IllegalStateException("ACL " + r.id() + " does not exist");
            }
            changedAcls.put(r.id(), null);
        } else if (record instanceof ClientQuotaRecord r) {
            Map<String, Double> quotas = changedQuotas.computeIfAbsent(r.entity(),
                    e -> new TreeMap<>(base.quotas().quotas(e)));
            if (r.remove()) {
                quotas.remove(r.key());
            } else {
                quotas.put(r.key(), r.value());
            }
        } else {
            throw new IllegalArgumentException("Unknown record " + record);
        }
    }

    private Map<Byte, ScramCredentialRecord> scramOf(String user) {
        return changedScram.computeIfAbsent(user, u -> new TreeMap<>(base.scram().credentials(u)));
    }

    /** The broker's registration as this delta sees it, if it is the life at {@code epoch}. */
    private BrokerRegistrationRecord registration(int brokerId, long epoch) {
        BrokerRegistrationRecord r = changedBrokers.getOrDefault(brokerId, base.brokers().get(brokerId));
        if (r == null || r.brokerEpoch() != epoch) {
            throw new MetadataConflictException(Errors.STALE_BROKER_EPOCH, "Broker " + brokerId + " epoch " + epoch
                    + " is not the registered one (" + (r == null ? "none" : r.brokerEpoch()) + ")");
        }
        return r;
    }

    private void removeTopic(Uuid id) {
        TopicImage existing = base.topics().get(id);
        TopicBuilder changed = changedTopics.remove(id);
        if (changed != null) {
            changedByName.remove(changed.name);
        }
        boolean created = createdTopicIds.remove(id);
        if (existing == null && changed == null) {
            throw new IllegalStateException("Topic " + id + " does not exist");
        }
        String name = changed != null ? changed.name : existing.name();
        if (existing != null && !removedTopics.containsKey(id)) {
            removedTopics.put(id, existing);
        } else if (!created && existing == null) {
            throw new IllegalStateException("Topic " + id + " was already removed");
        }
        // Its overrides go with it, so a later topic of the same name starts from the defaults.
        changedConfigs.put(new ConfigResource(ConfigResource.Type.TOPIC, name), new TreeMap<>());
    }

    /** The topic as this delta sees it: changed here, else the base's unless removed here. */
    private Object topic(Uuid id) {
        TopicBuilder b = changedTopics.get(id);
        if (b != null) {
            return b;
        }
        return removedTopics.containsKey(id) ? null : base.topics().get(id);
    }

    private Object topic(String name) {
        TopicBuilder b = changedByName.get(name);
        if (b != null) {
            return b;
        }
        TopicImage t = base.topics().get(name);
        return t == null || removedTopics.containsKey(t.id()) ? null : t;
    }

    private TopicBuilder builder(Uuid id) {
        TopicBuilder b = changedTopics.get(id);
        if (b != null) {
            return b;
        }
        TopicImage t = removedTopics.containsKey(id) ? null : base.topics().get(id);
        if (t == null) {
            throw new IllegalStateException("Partition record of unknown topic " + id);
        }
        b = new TopicBuilder(t.name(), id, new TreeMap<>(t.partitions()));
        changedTopics.put(id, b);
        changedByName.put(b.name, b);
        return b;
    }

    /** Topics created by this delta (ids in the new image). */
    public Set<Uuid> createdTopicIds() {
        return Collections.unmodifiableSet(createdTopicIds);
    }

    /** Topics this delta created or whose partitions it changed. */
    public Set<Uuid> changedTopicIds() {
        return Collections.unmodifiableSet(changedTopics.keySet());
    }

    /** Topics this delta removed, as they were in the base image. */
    public Map<Uuid, TopicImage> removedTopics() {
        return Collections.unmodifiableMap(removedTopics);
    }

    /** Resources whose config overrides changed (including those of removed topics). */
    public Set<ConfigResource> changedConfigs() {
        return Collections.unmodifiableSet(changedConfigs.keySet());
    }

    public boolean producerIdsChanged() {
        return nextProducerId != base.nextProducerId();
    }

    /** Users whose SCRAM credentials were added, replaced or deleted. */
    public Set<String> changedScramUsers() {
        return Collections.unmodifiableSet(changedScram.keySet());
    }

    /** Whether ACL bindings were added or removed. */
    public boolean aclsChanged() {
        return !changedAcls.isEmpty();
    }

    /** Client quota entities whose quotas were set or removed (an entity without quotas left is gone). */
    public Set<ClientQuotaEntity> changedQuotaEntities() {
        return Collections.unmodifiableSet(changedQuotas.keySet());
    }

    public Set<Integer> changedBrokers() {
        return Collections.unmodifiableSet(changedBrokers.keySet());
    }

    /** The next image; parts without changes are the base's own objects. */
    public MetadataImage apply() {
        return new MetadataImage(offset, applyTopics(), applyConfigs(), nextProducerId, applyBrokers(),
                applyScram(), applyAcls(), applyQuotas());
    }

    private ClientQuotasImage applyQuotas() {
        if (changedQuotas.isEmpty()) {
            return base.quotas();
        }
        Map<ClientQuotaEntity, Map<String, Double>> byEntity = new HashMap<>(base.quotas().byEntity());
        byEntity.putAll(changedQuotas); // ClientQuotasImage drops the entities left empty
        return new ClientQuotasImage(byEntity);
    }

    private AclsImage applyAcls() {
        if (changedAcls.isEmpty()) {
            return base.acls();
        }
        Map<Uuid, AclRecord> byId = new HashMap<>(base.acls().byId());
        changedAcls.forEach((id, acl) -> {
            if (acl == null) {
                byId.remove(id);
            } else {
                byId.put(id, acl);
            }
        });
        return new AclsImage(byId);
    }

    private TopicsImage applyTopics() {
        if (changedTopics.isEmpty() && removedTopics.isEmpty()) {
            return base.topics();
        }
        Map<String, TopicImage> byName = new HashMap<>(base.topics().byName());
        Map<Uuid, TopicImage> byId = new HashMap<>(base.topics().byId());
        int total = base.topics().totalPartitions();
        for (TopicImage removed : removedTopics.values()) {
            byName.remove(removed.name());
            byId.remove(removed.id());
            total -= removed.partitionCount();
        }
        for (TopicBuilder b : changedTopics.values()) {
            TopicImage before = byId.get(b.id);
            TopicImage after = TopicImage.of(b.name, b.id, b.partitions);
            total += after.partitionCount() - (before == null ? 0 : before.partitionCount());
            byName.put(b.name, after);
            byId.put(b.id, after);
        }
        return new TopicsImage(byName, byId, total);
    }

    private ConfigsImage applyConfigs() {
        if (changedConfigs.isEmpty()) {
            return base.configs();
        }
        Map<ConfigResource, Map<String, String>> byResource = new HashMap<>(base.configs().byResource());
        changedConfigs.forEach((resource, configs) -> {
            if (configs.isEmpty()) {
                byResource.remove(resource);
            } else {
                byResource.put(resource, Collections.unmodifiableMap(new TreeMap<>(configs)));
            }
        });
        return new ConfigsImage(byResource);
    }

    private ScramImage applyScram() {
        if (changedScram.isEmpty()) {
            return base.scram();
        }
        Map<String, Map<Byte, ScramCredentialRecord>> byUser = new HashMap<>(base.scram().byUser());
        changedScram.forEach((user, credentials) -> {
            if (credentials.isEmpty()) {
                byUser.remove(user);
            } else {
                byUser.put(user, Map.copyOf(credentials));
            }
        });
        return new ScramImage(byUser);
    }

    private Map<Integer, BrokerRegistrationRecord> applyBrokers() {
        if (changedBrokers.isEmpty()) {
            return base.brokers();
        }
        Map<Integer, BrokerRegistrationRecord> brokers = new HashMap<>(base.brokers());
        brokers.putAll(changedBrokers);
        return brokers;
    }

    /** A topic being changed by this delta; mutable until {@link #apply}. */
    private static final class TopicBuilder {
        final String name;
        final Uuid id;
        final TreeMap<Integer, PartitionRecord> partitions;

        TopicBuilder(String name, Uuid id, TreeMap<Integer, PartitionRecord> partitions) {
            this.name = name;
            this.id = id;
            this.partitions = partitions;
        }
    }
}
