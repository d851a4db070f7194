package io.samsa.broker.handler;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

import io.samsa.broker.api.ApiHandler;
import io.samsa.broker.api.ApiVersionRange;
import io.samsa.broker.api.RequestContext;
import io.samsa.broker.topic.TopicRegistry;
import io.samsa.metadata.ControllerApi.ConfigChange;

/**
 * IncrementalAlterConfigs: SET, DELETE, APPEND and SUBTRACT on topic configs, committed through the metadata
 * controller and in force on this broker's logs when the answer goes out ({@link ConfigAlterations}).
 */
public final class IncrementalAlterConfigsHandler implements ApiHandler<IncrementalAlterConfigsRequestData> {
    private static final ApiVersionRange VERSIONS = ApiVersionRange.of(ApiKeys.INCREMENTAL_ALTER_CONFIGS, 0, 1);

    private final TopicRegistry topics;

    public IncrementalAlterConfigsHandler(TopicRegistry topics) {
        this.topics = topics;
    }

    @Override
    public CompletionStage<IncrementalAlterConfigsResponseData> handle(RequestContext context,
                                                                       IncrementalAlterConfigsRequestData request) {
        IncrementalAlterConfigsResponseData response = new IncrementalAlterConfigsResponseData();
        // One resource after the other, each once the previous change is applied.
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
            resource.configs().forEach(c -> changes.add(new ConfigChange(c.name(), c.configOperation(), c.value())));
            done = done.thenCompose(ignored -> ConfigAlterations.alter(topics, resource.resourceType(),
                    resource.resourceName(), changes, false, request.validateOnly()).thenAccept(outcome ->
                    result.setErrorCode(outcome.error().code()).setErrorMessage(outcome.message())));
        }
        return done.thenApply(ignored -> response);
    }

    @Override
    public ApiVersionRange versions() {
        return VERSIONS;
    }
}
