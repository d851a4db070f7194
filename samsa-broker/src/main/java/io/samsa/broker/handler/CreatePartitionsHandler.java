package io.samsa.broker.handler;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsTopic;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.message.CreatePartitionsResponseData.CreatePartitionsTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.resource.ResourceType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.samsa.broker.api.ApiHandler;
import io.samsa.broker.api.ApiVersionRange;
import io.samsa.broker.api.RequestContext;
import io.samsa.broker.topic.TopicRegistry;

/**
 * CreatePartitions: grows a topic's partition count (never shrinks it) through the metadata controller; the
 * answer completes when the last topic's change is committed.
 */
public final class CreatePartitionsHandler implements ApiHandler<CreatePartitionsRequestData> {
    private static final ApiVersionRange VERSIONS = ApiVersionRange.of(ApiKeys.CREATE_PARTITIONS, 0, 3);

    private static final Logger log = LoggerFactory.getLogger(CreatePartitionsHandler.class);

    private final TopicRegistry topics;

    public CreatePartitionsHandler(TopicRegistry topics) {
        this.topics = topics;
    }

    @Override
    public CompletionStage<CreatePartitionsResponseData> handle(RequestContext context,
                                                                CreatePartitionsRequestData request) {
        CreatePartitionsResponseData response = new CreatePartitionsResponseData();
        // One topic after the other, each once the previous is committed: a check sees every earlier change.
        CompletableFuture<Void> done = CompletableFuture.completedFuture(null);
        for (CreatePartitionsTopic t : request.topics()) {
            CreatePartitionsTopicResult result = new CreatePartitionsTopicResult().setName(t.name());
            response.results().add(result);
            if (!context.authorize(AclOperation.ALTER, ResourceType.TOPIC, t.name())) {
                fail(result, t.name(), new TopicAuthorizationException("Authorization failed."));
                continue;
            }
            done = done.thenCompose(ignored -> topics.addPartitionsAsync(t.name(), t.count(), request.validateOnly())
                    .handle((grown, error) -> {
                        if (error != null) {
                            fail(result, t.name(), MetadataWrites.cause(error));
                        }
                        return null;
                    }));
        }
        return done.thenApply(ignored -> response);
    }

    private static void fail(CreatePartitionsTopicResult result, String topic, Throwable e) {
        if (e instanceof ApiException) {
            result.setErrorCode(Errors.forException(e).code()).setErrorMessage(e.getMessage());
        } else {
            log.error("Adding partitions to {} failed", topic, e);
            result.setErrorCode(Errors.UNKNOWN_SERVER_ERROR.code()).setErrorMessage(e.getMessage());
        }
    }

    @Override
    public ApiVersionRange versions() {
        return VERSIONS;
    }
}
