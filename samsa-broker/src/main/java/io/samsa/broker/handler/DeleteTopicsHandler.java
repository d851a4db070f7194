package io.samsa.broker.handler;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsRequestData.DeleteTopicState;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.DeleteTopicsResponseData.DeletableTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.resource.ResourceType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.samsa.broker.api.ApiHandler;
import io.samsa.broker.api.ApiVersionRange;
import io.samsa.broker.api.RequestContext;
import io.samsa.broker.topic.TopicInfo;
import io.samsa.broker.topic.TopicRegistry;

/**
 * DeleteTopics: by name (v0–5) or by name or topic ID (v6+), each deletion committed through the metadata
 * controller. The answer goes out once the deleted topics' committed offsets are removed from every group (the
 * registry's deletion listener), so an OffsetFetch right after it finds none.
 */
public final class DeleteTopicsHandler implements ApiHandler<DeleteTopicsRequestData> {
    private static final ApiVersionRange VERSIONS = ApiVersionRange.of(ApiKeys.DELETE_TOPICS, 1, 6);

    private static final Logger log = LoggerFactory.getLogger(DeleteTopicsHandler.class);

    private final TopicRegistry topics;

    public DeleteTopicsHandler(TopicRegistry topics) {
        this.topics = topics;
    }

    @Override
    public CompletionStage<DeleteTopicsResponseData> handle(RequestContext context, DeleteTopicsRequestData request) {
        List<DeleteTopicState> wanted = new ArrayList<>(request.topics());
        request.topicNames().forEach(n -> wanted.add(new DeleteTopicState().setName(n)));
        DeleteTopicsResponseData response = new DeleteTopicsResponseData();
        short version = context.apiVersion();
        List<String> deleted = new ArrayList<>();
        List<CompletableFuture<?>> cleanups = new ArrayList<>();
        // One topic after the other, each once the previous deletion is committed.
        CompletableFuture<Void> done = CompletableFuture.completedFuture(null);
        for (DeleteTopicState w : wanted) {
            DeletableTopicResult result = new DeletableTopicResult().setName(w.name());
            response.responses().add(result);
            done = done.thenCompose(ignored -> {
                String name = w.name();
                if (name == null) {
                    TopicInfo byId = topics.get(w.topicId()).orElse(null);
                    if (byId == null) {
                        result.setTopicId(w.topicId()).setErrorCode(Errors.UNKNOWN_TOPIC_ID.code());
                        return CompletableFuture.completedFuture(null);
                    }
                    name = byId.name();
                    result.setName(name);
                }
                String topic = name;
                if (!context.authorize(AclOperation.DELETE, ResourceType.TOPIC, topic)) {
                    fail(result, topic, new TopicAuthorizationException("Authorization failed."), version);
                    if (w.name() == null && !context.canSee(AclOperation.DESCRIBE, ResourceType.TOPIC, topic)) {
                        result.setName(null); // as Kafka: an id does not reveal a name the caller may not see
                    }
                    return CompletableFuture.completedFuture(null);
                }
                return topics.deleteAsync(topic).handle((deletion, error) -> {
                    if (error == null) {
                        cleanups.add(deletion.cleanup().toCompletableFuture());
                        deleted.add(topic);
                        if (version >= 6) {
                            result.setTopicId(deletion.topicId());
                        }
                    } else {
                        fail(result, topic, MetadataWrites.cause(error), version);
                    }
                    return null;
                });
            });
        }
        return done.thenCompose(ignored -> {
            if (deleted.isEmpty()) {
                return CompletableFuture.completedFuture(response);
            }
            return CompletableFuture.allOf(cleanups.toArray(CompletableFuture[]::new)).handle((removed, error) -> {
                if (error != null) {
                    // The topics are gone; their offsets are removed at the next start at the latest.
                    log.error("Removing the committed offsets of deleted topics {} failed", deleted, error);
                }
                return response;
            });
        });
    }

    private static void fail(DeletableTopicResult result, String topic, Throwable e, short version) {
        if (e instanceof ApiException) {
            result.setErrorCode(Errors.forException(e).code());
            if (version >= 5) {
                result.setErrorMessage(e.getMessage());
            }
        } else {
            log.error("Deleting topic {} failed", topic, e);
            result.setErrorCode(Errors.UNKNOWN_SERVER_ERROR.code());
        }
    }

    @Override
    public ApiVersionRange versions() {
        return VERSIONS;
    }
}
