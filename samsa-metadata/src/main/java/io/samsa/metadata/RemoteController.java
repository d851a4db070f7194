package io.samsa.metadata;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Supplier;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.message.AlterClientQuotasResponseData;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.message.CreateAclsRequestData;
import org.apache.kafka.common.message.CreateAclsResponseData;
import org.apache.kafka.common.message.DeleteAclsRequestData;
import org.apache.kafka.common.message.DeleteAclsResponseData;
import org.apache.kafka.common.errors.NotControllerException;
import org.apache.kafka.common.message.AllocateProducerIdsRequestData;
import org.apache.kafka.common.message.AllocateProducerIdsResponseData;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterUserScramCredentialsRequestData;
import org.apache.kafka.common.message.AlterUserScramCredentialsResponseData;
import org.apache.kafka.common.message.AlterPartitionRequestData;
import org.apache.kafka.common.message.AlterPartitionResponseData;
import org.apache.kafka.common.message.BrokerHeartbeatRequestData;
import org.apache.kafka.common.message.BrokerHeartbeatResponseData;
import org.apache.kafka.common.message.BrokerRegistrationRequestData;
import org.apache.kafka.common.message.BrokerRegistrationResponseData;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.security.auth.SecurityProtocol;

import io.samsa.metadata.quorum.ControllerChannel;
import io.samsa.protocol.ControllerMessages;
import io.samsa.protocol.SamsaTaggedFields;

/**
 * The active controller as a node that does not run it sees it: every call is encoded as Kafka's own request
 * message, sent over the quorum's {@link ControllerChannel} to the leader's {@link ControllerRequestServer}, and
 * its reply decoded; an error comes back as the same ApiException the controller threw. NOT_CONTROLLER (no
 * leader, or the leader just resigned) is retried up to {@code maxRetries} times, {@code backoffMs} apart.
 * <p>
 * Kafka's responses to DeleteTopics, CreatePartitions and AlterPartition do not carry everything a
 * {@link ControllerApi} result states (partition count and replication factor; the replicas), so those come from
 * this node's own image, which may lag the commit but states the same topic id and replicas (neither changes
 * after creation). A topic missing from it reads as -1 / no replicas.
 */
public final class RemoteController implements ControllerApi {
    /** Together about 3 s: what a quorum leader election takes at most in Samsa's failover target. */
    public static final int DEFAULT_MAX_RETRIES = 30;
    public static final long DEFAULT_BACKOFF_MS = 100;

    private final ControllerChannel channel;
    private final Supplier<MetadataImage> image;
    private final int maxRetries;
    private final long backoffMs;

    public RemoteController(ControllerChannel channel, Supplier<MetadataImage> image) {
        this(channel, image, DEFAULT_MAX_RETRIES, DEFAULT_BACKOFF_MS);
    }

    public RemoteController(ControllerChannel channel, Supplier<MetadataImage> image, int maxRetries,
                            long backoffMs) {
        this.channel = channel;
        this.image = image;
        this.maxRetries = maxRetries;
        this.backoffMs = backoffMs;
    }

    @Override
    public CompletionStage<TopicResult> createTopic(CreateTopic request) {
        CreateTopicsRequestData.CreatableTopic topic = new CreateTopicsRequestData.CreatableTopic()
                .setName(request.name()).setNumPartitions(request.partitions())
                .setReplicationFactor(request.replicationFactor());
        request.assignments().forEach((p, replicas) -> topic.assignments().add(
                new CreateTopicsRequestData.CreatableReplicaAssignment().setPartitionIndex(p)
                        .setBrokerIds(new ArrayList<>(replicas))));
        request.configs().forEach((k, v) -> topic.configs().add(
                new CreateTopicsRequestData.CreatableTopicConfig().setName(k).setValue(v)));
        CreateTopicsRequestData body = new CreateTopicsRequestData().setValidateOnly(request.validateOnly());
        body.topics().add(topic);
        if (request.internal()) {
            SamsaTaggedFields.set(body, SamsaTaggedFields.INTERNAL_TOPIC);
        }
        return call(ApiKeys.CREATE_TOPICS, ControllerCallVersions.CREATE_TOPICS, body, (offset, reply) -> {
            CreateTopicsResponseData.CreatableTopicResult r =
                    ((CreateTopicsResponseData) reply).topics().iterator().next();
            return new TopicResult(offset, r.topicId(), r.name(), r.numPartitions(), r.replicationFactor());
        });
    }

    @Override
    public CompletionStage<TopicResult> deleteTopic(String name) {
        TopicImage before = image.get().topics().get(name);
        DeleteTopicsRequestData body = new DeleteTopicsRequestData()
                .setTopics(List.of(new DeleteTopicsRequestData.DeleteTopicState().setName(name)));
        return call(ApiKeys.DELETE_TOPICS, ControllerCallVersions.DELETE_TOPICS, body, (offset, reply) -> {
            DeleteTopicsResponseData.DeletableTopicResult r =
                    ((DeleteTopicsResponseData) reply).responses().iterator().next();
            TopicImage known = before != null && before.id().equals(r.topicId()) ? before : null;
            return new TopicResult(offset, r.topicId(), r.name(), known == null ? -1 : known.partitionCount(),
                    replicationFactor(known));
        });
    }

    @Override
    public CompletionStage<TopicResult> createPartitions(String name, int newCount, boolean validateOnly) {
        CreatePartitionsRequestData body = new CreatePartitionsRequestData().setValidateOnly(validateOnly);
        body.topics().add(new CreatePartitionsRequestData.CreatePartitionsTopic().setName(name).setCount(newCount)
                .setAssignments(null));
        return call(ApiKeys.CREATE_PARTITIONS, ControllerCallVersions.CREATE_PARTITIONS, body, (offset, reply) -> {
            TopicImage known = image.get().topics().get(name);
            int partitions = !validateOnly ? newCount : known == null ? -1 : known.partitionCount();
            return new TopicResult(offset, known == null ? Uuid.ZERO_UUID : known.id(), name, partitions,
                    replicationFactor(known));
        });
    }

    /** IncrementalAlterConfigs for one topic, or (replace) the legacy AlterConfigs, which has no operations. */
    @Override
    public CompletionStage<Long> alterTopicConfigs(AlterTopicConfigs request) {
        return alterConfigs(ConfigResource.Type.TOPIC, request.topic(), request.changes(), request.replace(),
                request.validateOnly());
    }

    /** The same messages with a BROKER resource ("" the cluster-wide default, or a broker id). */
    @Override
    public CompletionStage<Long> alterBrokerConfigs(AlterBrokerConfigs request) {
        return alterConfigs(ConfigResource.Type.BROKER, request.broker(), request.changes(), request.replace(),
                request.validateOnly());
    }

    private CompletionStage<Long> alterConfigs(ConfigResource.Type type, String name, List<ConfigChange> changes,
                                               boolean replace, boolean validateOnly) {
        if (replace) {
            AlterConfigsRequestData.AlterConfigsResource resource = new AlterConfigsRequestData.AlterConfigsResource()
                    .setResourceType(type.id()).setResourceName(name);
            changes.forEach(c -> resource.configs().add(
                    new AlterConfigsRequestData.AlterableConfig().setName(c.key()).setValue(c.value())));
            AlterConfigsRequestData body = new AlterConfigsRequestData().setValidateOnly(validateOnly);
            body.resources().add(resource);
            return call(ApiKeys.ALTER_CONFIGS, ControllerCallVersions.ALTER_CONFIGS, body, (offset, reply) -> offset);
        }
        IncrementalAlterConfigsRequestData.AlterConfigsResource resource =
                new IncrementalAlterConfigsRequestData.AlterConfigsResource().setResourceType(type.id())
                        .setResourceName(name);
        changes.forEach(c -> resource.configs().add(new IncrementalAlterConfigsRequestData.AlterableConfig()
                .setName(c.key()).setConfigOperation(c.op()).setValue(c.value())));
        IncrementalAlterConfigsRequestData body = new IncrementalAlterConfigsRequestData()
                .setValidateOnly(validateOnly);
        body.resources().add(resource);
        return call(ApiKeys.INCREMENTAL_ALTER_CONFIGS, ControllerCallVersions.INCREMENTAL_ALTER_CONFIGS, body,
                (offset, reply) -> offset);
    }

    /** AlterUserScramCredentials as a client sends it: the controller derives the keys from the salted password. */
    @Override
    public CompletionStage<ScramResult> alterScramCredentials(AlterScramCredentials request) {
        AlterUserScramCredentialsRequestData body = new AlterUserScramCredentialsRequestData();
        request.deletions().forEach(d -> body.deletions().add(
                new AlterUserScramCredentialsRequestData.ScramCredentialDeletion().setName(d.user())
                        .setMechanism(d.mechanism())));
        request.upsertions().forEach(u -> body.upsertions().add(
                new AlterUserScramCredentialsRequestData.ScramCredentialUpsertion().setName(u.user())
                        .setMechanism(u.mechanism()).setIterations(u.iterations()).setSalt(u.salt())
                        .setSaltedPassword(u.saltedPassword())));
        return call(ApiKeys.ALTER_USER_SCRAM_CREDENTIALS, ControllerCallVersions.ALTER_USER_SCRAM_CREDENTIALS, body,
                (offset, reply) -> {
                    Map<String, UserOutcome> users = new LinkedHashMap<>();
                    ((AlterUserScramCredentialsResponseData) reply).results().forEach(r -> users.put(r.user(),
                            new UserOutcome(Errors.forCode(r.errorCode()), r.errorMessage())));
                    return new ScramResult(offset, users);
                });
    }

    @Override
    public CompletionStage<AclCreateResult> createAcls(List<NewAcl> bindings) {
        CreateAclsRequestData body = new CreateAclsRequestData();
        bindings.forEach(b -> body.creations().add(AclMessages.creation(b)));
        return call(ApiKeys.CREATE_ACLS, ControllerCallVersions.CREATE_ACLS, body, (offset, reply) -> {
            List<AclOutcome> outcomes = new ArrayList<>();
            ((CreateAclsResponseData) reply).results().forEach(r -> outcomes.add(
                    new AclOutcome(Errors.forCode(r.errorCode()), r.errorMessage())));
            return new AclCreateResult(offset, outcomes);
        });
    }

    @Override
    public CompletionStage<AclDeleteResult> deleteAcls(List<AclBindingFilter> filters) {
        DeleteAclsRequestData body = new DeleteAclsRequestData();
        filters.forEach(f -> body.filters().add(AclMessages.deleteFilter(f)));
        return call(ApiKeys.DELETE_ACLS, ControllerCallVersions.DELETE_ACLS, body, (offset, reply) -> {
            List<AclFilterResult> results = new ArrayList<>();
            ((DeleteAclsResponseData) reply).filterResults().forEach(r -> results.add(new AclFilterResult(
                    new AclOutcome(Errors.forCode(r.errorCode()), r.errorMessage()),
                    r.matchingAcls().stream().map(AclMessages::binding).toList())));
            return new AclDeleteResult(offset, results);
        });
    }

    @Override
    public CompletionStage<QuotaResult> alterClientQuotas(List<ClientQuotaAlteration> entries, boolean validateOnly) {
        return call(ApiKeys.ALTER_CLIENT_QUOTAS, ControllerCallVersions.ALTER_CLIENT_QUOTAS,
                ClientQuotaMessages.request(entries, validateOnly), (offset, reply) -> new QuotaResult(offset,
                        ClientQuotaMessages.outcomes((AlterClientQuotasResponseData) reply)));
    }

    @Override
    public CompletionStage<ProducerIdsResult> allocateProducerIds(int brokerId) {
        AllocateProducerIdsRequestData body = new AllocateProducerIdsRequestData().setBrokerId(brokerId)
                .setBrokerEpoch(-1);
        return call(ApiKeys.ALLOCATE_PRODUCER_IDS, ControllerCallVersions.ALLOCATE_PRODUCER_IDS, body,
                (offset, reply) -> {
                    AllocateProducerIdsResponseData r = (AllocateProducerIdsResponseData) reply;
                    return new ProducerIdsResult(offset,
                            new ProducerIdsRecord(brokerId, r.producerIdStart(), r.producerIdLen()));
                });
    }

    @Override
    public CompletionStage<Registered> registerBroker(BrokerRegistration request) {
        BrokerRegistrationRequestData body = new BrokerRegistrationRequestData().setBrokerId(request.brokerId())
                .setClusterId("").setIncarnationId(request.incarnationId()).setRack(request.rack());
        for (BrokerRegistrationRecord.Endpoint e : request.endpoints()) {
            body.listeners().add(new BrokerRegistrationRequestData.Listener().setName(e.listener())
                    .setHost(e.host()).setPort(e.port())
                    .setSecurityProtocol(SecurityProtocol.forName(e.securityProtocol()).id));
        }
        return call(ApiKeys.BROKER_REGISTRATION, ControllerCallVersions.BROKER_REGISTRATION, body,
                (offset, reply) -> new Registered(offset, ((BrokerRegistrationResponseData) reply).brokerEpoch()));
    }

    @Override
    public CompletionStage<HeartbeatResult> heartbeat(BrokerHeartbeat request) {
        BrokerHeartbeatRequestData body = new BrokerHeartbeatRequestData().setBrokerId(request.brokerId())
                .setBrokerEpoch(request.brokerEpoch()).setCurrentMetadataOffset(request.metadataOffset())
                .setWantShutDown(request.wantShutdown());
        return call(ApiKeys.BROKER_HEARTBEAT, ControllerCallVersions.BROKER_HEARTBEAT, body, (offset, reply) -> {
            BrokerHeartbeatResponseData r = (BrokerHeartbeatResponseData) reply;
            return new HeartbeatResult(offset, r.isFenced(), r.shouldShutDown());
        });
    }

    @Override
    public CompletionStage<PartitionResult> alterPartition(AlterPartition request) {
        AlterPartitionRequestData body = new AlterPartitionRequestData().setBrokerId(request.brokerId())
                .setBrokerEpoch(request.brokerEpoch())
                .setTopics(List.of(new AlterPartitionRequestData.TopicData().setTopicId(request.topicId())
                        .setPartitions(List.of(new AlterPartitionRequestData.PartitionData()
                                .setPartitionIndex(request.partition()).setLeaderEpoch(request.leaderEpoch())
                                .setPartitionEpoch(request.partitionEpoch())
                                .setNewIsr(new ArrayList<>(request.newIsr()))))));
        return call(ApiKeys.ALTER_PARTITION, ControllerCallVersions.ALTER_PARTITION, body, (offset, reply) -> {
            AlterPartitionResponseData.PartitionData p =
                    ((AlterPartitionResponseData) reply).topics().get(0).partitions().get(0);
            TopicImage topic = image.get().topics().get(request.topicId());
            PartitionRecord known = topic == null ? null : topic.partition(request.partition());
            return new PartitionResult(offset, new PartitionRecord(request.topicId(), p.partitionIndex(),
                    known == null ? List.of() : known.replicas(), p.isr(), p.leaderId(), p.leaderEpoch(),
                    p.partitionEpoch()));
        });
    }

    private static short replicationFactor(TopicImage topic) {
        PartitionRecord first = topic == null ? null : topic.partition(0);
        return (short) (first == null ? -1 : first.replicas().size());
    }

    private <T> CompletionStage<T> call(ApiKeys key, short version, ApiMessage body,
                                        BiFunction<Long, ApiMessage, T> decode) {
        byte[] request = ControllerMessages.encodeCall(key, version, body);
        CompletableFuture<T> result = new CompletableFuture<>();
        attempt(request, key, version, decode, 0, result);
        return result;
    }

    private <T> void attempt(byte[] request, ApiKeys key, short version, BiFunction<Long, ApiMessage, T> decode,
                             int retry, CompletableFuture<T> result) {
        CompletionStage<byte[]> sent;
        try {
            sent = channel.call(request);
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        sent.thenApply(bytes -> {
            ControllerMessages.Reply reply = ControllerMessages.decodeReply(key, version, bytes);
            return decode.apply(reply.offset(), reply.body());
        }).whenComplete((value, error) -> {
            if (error == null) {
                result.complete(value);
                return;
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null
                    ? error.getCause() : error;
            if (cause instanceof NotControllerException && retry < maxRetries) {
                CompletableFuture.delayedExecutor(backoffMs, TimeUnit.MILLISECONDS)
                        .execute(() -> attempt(request, key, version, decode, retry + 1, result));
            } else {
                result.completeExceptionally(cause);
            }
        });
    }
}
