package io.samsa.broker.handler;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.message.AlterConfigsResponseData.AlterConfigsResourceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

import io.samsa.broker.api.ApiHandler;
import io.samsa.broker.api.ApiVersionRange;
import io.samsa.broker.api.RequestContext;
import io.samsa.broker.topic.TopicRegistry;
import io.samsa.metadata.ControllerApi.ConfigChange;

/**
 * AlterConfigs (the legacy, deprecated form): the given configs become the topic's whole set of overrides; every
 * override not named is removed, as in Kafka ({@link ConfigAlterations}).
 */
public final class AlterConfigsHandler implements ApiHandler<AlterConfigsRequestData> {
    private static final ApiVersionRange VERSIONS = ApiVersionRange.of(ApiKeys.ALTER_CONFIGS, 0, 2);

    private final TopicRegistry topics;

    public AlterConfigsHandler(TopicRegistry topics) {
        this.topics = topics;
    }

    @Override
    public CompletionStage<AlterConfigsResponseData> handle(RequestContext context, AlterConfigsRequestData request) {
        AlterConfigsResponseData response = new AlterConfigsResponseData();
        CompletableFuture<Void> done = CompletableFuture.completedFuture(null);
        for (AlterConfigsResource resource : request.resources()) {
            AlterConfigsResourceResponse result = new AlterConfigsResourceResponse()
                    .setResourceType(resource.resourceType()).setResourceName(resource.resourceName());
            response.responses().add(result);
            Errors denied = ConfigResourceAccess.check(context, AclOperation.ALTER_CONFIGS, resource.resourceType(),
                    resource.resourceName());
            if (denied != Errors.NONE) {
                result.setErrorCode(denied.code()).setErrorMessage(denied.message());
                continue;
            }
            List<ConfigChange> changes = new ArrayList<>();
            resource.configs().forEach(c -> changes.add(new ConfigChange(c.name(), ConfigChange.SET, c.value())));
            done = done.thenCompose(ignored -> ConfigAlterations.alter(topics, resource.resourceType(),
                    resource.resourceName(), changes, true, request.validateOnly()).thenAccept(outcome ->
                    result.setErrorCode(outcome.error().code()).setErrorMessage(outcome.message())));
        }
        return done.thenApply(ignored -> response);
    }

    @Override
    public ApiVersionRange versions() {
        return VERSIONS;
    }
}
