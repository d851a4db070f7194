package io.samsa.metadata;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;

/**
 * What brokers ask of the active controller. {@link MetadataController} implements it on the node that runs the
 * controller (a single node, or the leader of the metadata quorum); in a cluster every other node reaches the
 * active controller through the quorum's controller channel with the same calls. Every stage completes once the
 * change is committed and carries the metadata {@code offset} of that commit, so a caller can wait until its own
 * image has caught up ({@link MetadataStateMachine#awaitOffset}) before it answers its client. Failures are Kafka
 * {@code ApiException}s (NOT_CONTROLLER is retriable: the quorum is electing a leader).
 */
public interface ControllerApi {

    /**
     * CreateTopics for one topic. {@code assignments} (partition → replicas) empty: the controller places them.
     * {@code internal}: a broker creates one of Kafka's internal topics ({@code __consumer_offsets}) for itself;
     * only such a call may name one (a client's CreateTopics may not).
     */
    record CreateTopic(String name, int partitions, short replicationFactor, Map<Integer, List<Integer>> assignments,
                       Map<String, String> configs, boolean validateOnly, boolean internal) {
        public CreateTopic {
            assignments = Map.copyOf(assignments);
            configs = Map.copyOf(configs);
        }

        /** A client's topic. */
        public CreateTopic(String name, int partitions, short replicationFactor,
                           Map<Integer, List<Integer>> assignments, Map<String, String> configs, boolean validateOnly) {
            this(name, partitions, replicationFactor, assignments, configs, validateOnly, false);
        }
    }

    /** A topic as a write left it; {@code offset} is -1 for a validate-only call. */
    record TopicResult(long offset, Uuid topicId, String name, int partitions, short replicationFactor) {
    }

    /** A broker (re)starting: a new incarnation id per start; endpoints are its advertised listeners. */
    record BrokerRegistration(int brokerId, Uuid incarnationId, List<BrokerRegistrationRecord.Endpoint> endpoints,
                              String rack) {
        public BrokerRegistration {
            endpoints = List.copyOf(endpoints);
        }
    }

    /** The broker epoch is the offset of the registration record: it tells this life of the broker apart. */
    record Registered(long offset, long brokerEpoch) {
    }

    /**
     * A broker is alive, has applied the metadata up to {@code metadataOffset}, and (SIGTERM) wants to shut down,
     * which moves its leaderships away first.
     */
    record BrokerHeartbeat(int brokerId, long brokerEpoch, long metadataOffset, boolean wantShutdown) {
    }

    record HeartbeatResult(long offset, boolean fenced, boolean shouldShutDown) {
    }

    /** A partition leader asks to change the ISR; the epochs are those of the state it believes current. */
    record AlterPartition(int brokerId, long brokerEpoch, Uuid topicId, int partition, int leaderEpoch,
                          int partitionEpoch, List<Integer> newIsr) {
        public AlterPartition {
            newIsr = List.copyOf(newIsr);
        }
    }

    record PartitionResult(long offset, PartitionRecord partition) {
    }

    record ProducerIdsResult(long offset, ProducerIdsRecord block) {
    }

    /**
     * One operation on a config key; {@code op} is Kafka's wire id of {@code AlterConfigOp.OpType}: 0 SET,
     * 1 DELETE (value ignored), 2 APPEND, 3 SUBTRACT (list-type keys only, comma-separated values).
     */
    record ConfigChange(String key, byte op, String value) {
        public static final byte SET = 0;
        public static final byte DELETE = 1;
        public static final byte APPEND = 2;
        public static final byte SUBTRACT = 3;
    }

    /**
     * Changes one topic's config overrides: IncrementalAlterConfigs, or with {@code replace} the legacy
     * AlterConfigs, whose SETs become the topic's whole set of overrides (every other override is removed).
     */
    record AlterTopicConfigs(String topic, List<ConfigChange> changes, boolean replace, boolean validateOnly) {
        public AlterTopicConfigs {
            changes = List.copyOf(changes);
        }
    }

    /**
     * Changes a broker resource's dynamic configs (KIP-226), as {@link AlterTopicConfigs} does a topic's:
     * {@code broker} is {@code ""} for the cluster-wide default ({@code kafka-configs --entity-default}) or a
     * broker id.
     */
    record AlterBrokerConfigs(String broker, List<ConfigChange> changes, boolean replace, boolean validateOnly) {
        public AlterBrokerConfigs {
            changes = List.copyOf(changes);
        }
    }

    /**
     * A user's new SCRAM credential for one mechanism: the salt and salted password a client computed
     * (AlterUserScramCredentials never carries the password); the controller stores only the keys derived from it.
     */
    record ScramUpsertion(String user, byte mechanism, int iterations, byte[] salt, byte[] saltedPassword) {
    }

    record ScramDeletion(String user, byte mechanism) {
    }

    /** AlterUserScramCredentials: deletions and upsertions, each user's changes written together or not at all. */
    record AlterScramCredentials(List<ScramDeletion> deletions, List<ScramUpsertion> upsertions) {
        public AlterScramCredentials {
            deletions = List.copyOf(deletions);
            upsertions = List.copyOf(upsertions);
        }
    }

    /** A user's outcome: {@code Errors.NONE}, or why none of the user's changes were made. */
    record UserOutcome(Errors error, String message) {
        public static final UserOutcome OK = new UserOutcome(Errors.NONE, null);
    }

    /** The commit's offset (the current one when nothing was written) and each named user's outcome. */
    record ScramResult(long offset, Map<String, UserOutcome> users) {
        public ScramResult {
            users = Map.copyOf(users);
        }
    }

    /**
     * A binding to create, as Kafka's CreateAcls carries it (wire codes, see {@link AclRecord}): it may name values
     * such as ANY that no binding may hold, which the controller refuses per binding.
     */
    record NewAcl(byte resourceType, String resourceName, byte patternType, String principal, String host,
                  byte operation, byte permission) {
        public static NewAcl of(AclBinding b) {
            return new NewAcl(b.pattern().resourceType().code(), b.pattern().name(), b.pattern().patternType().code(),
                    b.entry().principal(), b.entry().host(), b.entry().operation().code(),
                    b.entry().permissionType().code());
        }
    }

    /** One ACL creation's or deletion filter's outcome: {@code Errors.NONE}, or why it was refused. */
    record AclOutcome(Errors error, String message) {
        public static final AclOutcome OK = new AclOutcome(Errors.NONE, null);
    }

    /** CreateAcls: the commit's offset and each binding's outcome, in request order. */
    record AclCreateResult(long offset, List<AclOutcome> outcomes) {
        public AclCreateResult {
            outcomes = List.copyOf(outcomes);
        }
    }

    /** One DeleteAcls filter's outcome and, when it succeeded, the bindings it matched (all now deleted). */
    record AclFilterResult(AclOutcome outcome, List<AclBinding> deleted) {
        public AclFilterResult {
            deleted = List.copyOf(deleted);
        }
    }

    /** DeleteAcls: the commit's offset and each filter's result, in request order. */
    record AclDeleteResult(long offset, List<AclFilterResult> filters) {
        public AclDeleteResult {
            filters = List.copyOf(filters);
        }
    }

    /** One AlterClientQuotas entity's outcome: {@code Errors.NONE}, or why none of its changes were made. */
    record QuotaOutcome(Errors error, String message) {
        public static final QuotaOutcome OK = new QuotaOutcome(Errors.NONE, null);
    }

    /**
     * AlterClientQuotas: the commit's offset (the current one when nothing was written, as for validate-only) and
     * each entity's outcome, in request order.
     */
    record QuotaResult(long offset, Map<ClientQuotaEntity, QuotaOutcome> entities) {
        public QuotaResult {
            entities = Collections.unmodifiableMap(new LinkedHashMap<>(entities)); // entity names may be null
        }
    }

    CompletionStage<TopicResult> createTopic(CreateTopic request);

    CompletionStage<TopicResult> deleteTopic(String name);

    CompletionStage<TopicResult> createPartitions(String name, int newCount, boolean validateOnly);

    /** Completes with the offset of the commit (-1 for validate-only; the current one when nothing changed). */
    CompletionStage<Long> alterTopicConfigs(AlterTopicConfigs request);

    /** As {@link #alterTopicConfigs}, for a broker resource; stored as ConfigRecord(BROKER, broker, key, value). */
    CompletionStage<Long> alterBrokerConfigs(AlterBrokerConfigs request);

    /** Adds, replaces and deletes users' SCRAM credentials (KIP-554), checked per user as Kafka's controller does. */
    CompletionStage<ScramResult> alterScramCredentials(AlterScramCredentials request);

    /**
     * Adds ACL bindings, each checked on its own as Kafka's controller does; a binding that exists already succeeds
     * without a new record.
     */
    CompletionStage<AclCreateResult> createAcls(List<NewAcl> bindings);

    /** Deletes every binding each filter matches; a filter's matches are deleted with all the others or not at all. */
    CompletionStage<AclDeleteResult> deleteAcls(List<AclBindingFilter> filters);

    /**
     * Sets and removes client quotas (KIP-546; a null op value removes the key), each entity checked on its own as
     * Kafka's controller does; {@code validateOnly}: the checks without a write.
     */
    CompletionStage<QuotaResult> alterClientQuotas(List<ClientQuotaAlteration> entries, boolean validateOnly);

    CompletionStage<ProducerIdsResult> allocateProducerIds(int brokerId);

    CompletionStage<Registered> registerBroker(BrokerRegistration request);

    CompletionStage<HeartbeatResult> heartbeat(BrokerHeartbeat request);

    CompletionStage<PartitionResult> alterPartition(AlterPartition request);
}
