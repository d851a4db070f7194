package io.samsa.metadata;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.AllocateProducerIdsRequestData;
import org.apache.kafka.common.message.AllocateProducerIdsResponseData;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.message.AlterPartitionRequestData;
import org.apache.kafka.common.message.AlterClientQuotasRequestData;
import org.apache.kafka.common.message.AlterUserScramCredentialsRequestData;
import org.apache.kafka.common.message.AlterUserScramCredentialsResponseData;
import org.apache.kafka.common.message.AlterPartitionResponseData;
import org.apache.kafka.common.message.BrokerHeartbeatRequestData;
import org.apache.kafka.common.message.BrokerHeartbeatResponseData;
import org.apache.kafka.common.message.BrokerRegistrationRequestData;
import org.apache.kafka.common.message.BrokerRegistrationResponseData;
import org.apache.kafka.common.message.CreateAclsRequestData;
import org.apache.kafka.common.message.CreateAclsResponseData;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.DeleteAclsRequestData;
import org.apache.kafka.common.message.DeleteAclsResponseData;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.samsa.metadata.quorum.ControllerRequestHandler;
import io.samsa.protocol.ControllerMessages;
import io.samsa.protocol.SamsaTaggedFields;

/**
 * Serves controller calls on the quorum leader: decodes the Kafka message a {@link RemoteController} sent, runs it
 * on the active controller (the {@link ControllerEventLoop}, which refuses with NOT_CONTROLLER when this node is
 * not active) and encodes the result, or the error as its code and message. Never blocks the caller: the stage
 * completes when the controller's does. Each call carries one topic / one partition, as RemoteController sends.
 */
public final class ControllerRequestServer implements ControllerRequestHandler {
    private static final Logger log = LoggerFactory.getLogger(ControllerRequestServer.class);

    private final ControllerApi controller;

    public ControllerRequestServer(ControllerApi controller) {
        this.controller = controller;
    }

    @Override
    public CompletionStage<byte[]> handle(byte[] request) {
        ControllerMessages.Call call;
        CompletionStage<byte[]> reply;
        try {
            call = ControllerMessages.decodeCall(request);
            reply = dispatch(call.version(), call.body());
        } catch (RuntimeException e) {
            reply = CompletableFuture.failedFuture(e);
        }
        return reply.exceptionally(ControllerRequestServer::encodeError);
    }

    private CompletionStage<byte[]> dispatch(short version, ApiMessage body) {
        if (body instanceof CreateTopicsRequestData r) {
            if (r.topics().size() != 1) {
                throw new InvalidRequestException("A controller call creates one topic");
            }
            CreateTopicsRequestData.CreatableTopic t = r.topics().iterator().next();
            Map<Integer, List<Integer>> assignments = new HashMap<>();
            t.assignments().forEach(a -> assignments.put(a.partitionIndex(), List.copyOf(a.brokerIds())));
            Map<String, String> configs = new HashMap<>();
            t.configs().forEach(c -> configs.put(c.name(), c.value()));
            boolean internal = SamsaTaggedFields.has(r, SamsaTaggedFields.INTERNAL_TOPIC);
            return controller.createTopic(new ControllerApi.CreateTopic(t.name(), t.numPartitions(),
                    t.replicationFactor(), assignments, configs, r.validateOnly(), internal)).thenApply(res -> {
                        CreateTopicsResponseData out = new CreateTopicsResponseData();
                        out.topics().add(new CreateTopicsResponseData.CreatableTopicResult().setName(res.name())
                                .setTopicId(res.topicId()).setNumPartitions(res.partitions())
                                .setReplicationFactor(res.replicationFactor()));
                        return ControllerMessages.encodeReply(version, res.offset(), out);
                    });
        }
        if (body instanceof DeleteTopicsRequestData r) {
            String name = r.topics().size() == 1 ? r.topics().get(0).name() : null;
            if (name == null) {
                throw new InvalidRequestException("A controller call deletes one topic, by name");
            }
            return controller.deleteTopic(name).thenApply(res -> {
                DeleteTopicsResponseData out = new DeleteTopicsResponseData();
                out.responses().add(new DeleteTopicsResponseData.DeletableTopicResult().setName(res.name())
                        .setTopicId(res.topicId()));
                return ControllerMessages.encodeReply(version, res.offset(), out);
            });
        }
        if (body instanceof CreatePartitionsRequestData r) {
            if (r.topics().size() != 1) {
                throw new InvalidRequestException("A controller call grows one topic");
            }
            CreatePartitionsRequestData.CreatePartitionsTopic t = r.topics().iterator().next();
            return controller.createPartitions(t.name(), t.count(), r.validateOnly()).thenApply(res -> {
                CreatePartitionsResponseData out = new CreatePartitionsResponseData();
                out.results().add(new CreatePartitionsResponseData.CreatePartitionsTopicResult().setName(res.name()));
                return ControllerMessages.encodeReply(version, res.offset(), out);
            });
        }
        if (body instanceof IncrementalAlterConfigsRequestData r) {
            IncrementalAlterConfigsRequestData.AlterConfigsResource res = onlyResource(r.resources().size(),
                    r.resources().isEmpty() ? null : r.resources().iterator().next(),
                    IncrementalAlterConfigsRequestData.AlterConfigsResource::resourceType);
            List<ControllerApi.ConfigChange> changes = new ArrayList<>();
            res.configs().forEach(c -> changes.add(new ControllerApi.ConfigChange(c.name(), c.configOperation(),
                    c.value())));
            return alterConfigs(res.resourceType(), res.resourceName(), changes, false, r.validateOnly())
                    .thenApply(offset -> ControllerMessages.encodeReply(version, offset,
                            new IncrementalAlterConfigsResponseData()));
        }
        if (body instanceof AlterConfigsRequestData r) {
            AlterConfigsRequestData.AlterConfigsResource res = onlyResource(r.resources().size(),
                    r.resources().isEmpty() ? null : r.resources().iterator().next(),
                    AlterConfigsRequestData.AlterConfigsResource::resourceType);
            List<ControllerApi.ConfigChange> changes = new ArrayList<>();
            res.configs().forEach(c -> changes.add(new ControllerApi.ConfigChange(c.name(),
                    ControllerApi.ConfigChange.SET, c.value())));
            return alterConfigs(res.resourceType(), res.resourceName(), changes, true, r.validateOnly())
                    .thenApply(offset -> ControllerMessages.encodeReply(version, offset,
                            new AlterConfigsResponseData()));
        }
        if (body instanceof AllocateProducerIdsRequestData r) {
            return controller.allocateProducerIds(r.brokerId()).thenApply(res -> ControllerMessages.encodeReply(
                    version, res.offset(), new AllocateProducerIdsResponseData()
                            .setProducerIdStart(res.block().firstProducerId())
                            .setProducerIdLen(res.block().blockSize())));
        }
        if (body instanceof BrokerRegistrationRequestData r) {
            List<BrokerRegistrationRecord.Endpoint> endpoints = new ArrayList<>();
            r.listeners().forEach(l -> endpoints.add(new BrokerRegistrationRecord.Endpoint(l.name(),
                    SecurityProtocol.forId(l.securityProtocol()).name, l.host(), l.port())));
            return controller.registerBroker(new ControllerApi.BrokerRegistration(r.brokerId(), r.incarnationId(),
                    endpoints, r.rack())).thenApply(res -> ControllerMessages.encodeReply(version, res.offset(),
                    new BrokerRegistrationResponseData().setBrokerEpoch(res.brokerEpoch())));
        }
        if (body instanceof BrokerHeartbeatRequestData r) {
            return controller.heartbeat(new ControllerApi.BrokerHeartbeat(r.brokerId(), r.brokerEpoch(),
                    r.currentMetadataOffset(), r.wantShutDown())).thenApply(res -> ControllerMessages.encodeReply(
                    version, res.offset(), new BrokerHeartbeatResponseData().setIsCaughtUp(true)
                            .setIsFenced(res.fenced()).setShouldShutDown(res.shouldShutDown())));
        }
        if (body instanceof AlterPartitionRequestData r) {
            if (r.topics().size() != 1 || r.topics().get(0).partitions().size() != 1) {
                throw new InvalidRequestException("A controller call alters one partition");
            }
            AlterPartitionRequestData.TopicData t = r.topics().get(0);
            AlterPartitionRequestData.PartitionData p = t.partitions().get(0);
            return controller.alterPartition(new ControllerApi.AlterPartition(r.brokerId(), r.brokerEpoch(),
                    t.topicId(), p.partitionIndex(), p.leaderEpoch(), p.partitionEpoch(), p.newIsr()))
                    .thenApply(res -> {
                        PartitionRecord committed = res.partition();
                        AlterPartitionResponseData out = new AlterPartitionResponseData();
                        out.topics().add(new AlterPartitionResponseData.TopicData().setTopicId(committed.topicId())
                                .setPartitions(List.of(new AlterPartitionResponseData.PartitionData()
                                        .setPartitionIndex(committed.partition()).setLeaderId(committed.leader())
                                        .setLeaderEpoch(committed.leaderEpoch()).setIsr(committed.isr())
                                        .setPartitionEpoch(committed.partitionEpoch()))));
                        return ControllerMessages.encodeReply(version, res.offset(), out);
                    });
        }
        if (body instanceof AlterUserScramCredentialsRequestData r) {
            List<ControllerApi.ScramDeletion> deletions = new ArrayList<>();
            r.deletions().forEach(d -> deletions.add(new ControllerApi.ScramDeletion(d.name(), d.mechanism())));
            List<ControllerApi.ScramUpsertion> upsertions = new ArrayList<>();
            r.upsertions().forEach(u -> upsertions.add(new ControllerApi.ScramUpsertion(u.name(), u.mechanism(),
                    u.iterations(), u.salt(), u.saltedPassword())));
            return controller.alterScramCredentials(new ControllerApi.AlterScramCredentials(deletions, upsertions))
                    .thenApply(res -> {
                        AlterUserScramCredentialsResponseData out = new AlterUserScramCredentialsResponseData();
                        res.users().forEach((user, outcome) -> out.results().add(
                                new AlterUserScramCredentialsResponseData.AlterUserScramCredentialsResult()
                                        .setUser(user).setErrorCode(outcome.error().code())
                                        .setErrorMessage(outcome.message())));
                        return ControllerMessages.encodeReply(version, res.offset(), out);
                    });
        }
        if (body instanceof CreateAclsRequestData r) {
            return controller.createAcls(r.creations().stream().map(AclMessages::newAcl).toList())
                    .thenApply(res -> {
                        CreateAclsResponseData out = new CreateAclsResponseData();
                        res.outcomes().forEach(o -> out.results().add(new CreateAclsResponseData.AclCreationResult()
                                .setErrorCode(o.error().code()).setErrorMessage(o.message())));
                        return ControllerMessages.encodeReply(version, res.offset(), out);
                    });
        }
        if (body instanceof DeleteAclsRequestData r) {
            return controller.deleteAcls(r.filters().stream().map(AclMessages::filter).toList()).thenApply(res -> {
                DeleteAclsResponseData out = new DeleteAclsResponseData();
                res.filters().forEach(f -> out.filterResults().add(new DeleteAclsResponseData.DeleteAclsFilterResult()
                        .setErrorCode(f.outcome().error().code()).setErrorMessage(f.outcome().message())
                        .setMatchingAcls(f.deleted().stream().map(AclMessages::matchingAcl).toList())));
                return ControllerMessages.encodeReply(version, res.offset(), out);
            });
        }
        if (body instanceof AlterClientQuotasRequestData r) {
            return controller.alterClientQuotas(ClientQuotaMessages.alterations(r), r.validateOnly())
                    .thenApply(res -> ControllerMessages.encodeReply(version, res.offset(),
                            ClientQuotaMessages.response(res.entities())));
        }
        throw new InvalidRequestException("Not a controller call: " + body.getClass().getSimpleName());
    }

    /** The one resource of a config call: a topic, or a broker (its dynamic configs). */
    private static <R> R onlyResource(int count, R resource, java.util.function.ToIntFunction<R> type) {
        if (count != 1 || (type.applyAsInt(resource) != ConfigResource.Type.TOPIC.id()
                && type.applyAsInt(resource) != ConfigResource.Type.BROKER.id())) {
            throw new InvalidRequestException("A controller call alters the configs of one topic or broker");
        }
        return resource;
    }

    private CompletionStage<Long> alterConfigs(byte type, String name, List<ControllerApi.ConfigChange> changes,
                                               boolean replace, boolean validateOnly) {
        return type == ConfigResource.Type.BROKER.id()
                ? controller.alterBrokerConfigs(new ControllerApi.AlterBrokerConfigs(name, changes, replace,
                        validateOnly))
                : controller.alterTopicConfigs(new ControllerApi.AlterTopicConfigs(name, changes, replace,
                        validateOnly));
    }

    private static byte[] encodeError(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof MetadataConflictException conflict) {
            cause = conflict.toApiException();
        }
        if (!(cause instanceof ApiException)) {
            log.error("Controller call failed", cause);
        }
        Errors code = Errors.forException(cause);
        return ControllerMessages.encodeError(code, cause.getMessage());
    }
}
