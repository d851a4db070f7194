package io.samsa.broker.handler;

import java.util.concurrent.CompletionStage;
import java.util.function.LongFunction;

import org.apache.kafka.common.errors.SecurityDisabledException;
import org.apache.kafka.common.message.CreateAclsRequestData;
import org.apache.kafka.common.message.CreateAclsResponseData;
import org.apache.kafka.common.message.CreateAclsResponseData.AclCreationResult;
import org.apache.kafka.common.protocol.ApiKeys;

import io.samsa.broker.api.ApiHandler;
import io.samsa.broker.api.ApiVersionRange;
import io.samsa.broker.api.RequestContext;
import io.samsa.metadata.AclMessages;
import io.samsa.metadata.ControllerApi;

/**
 * CreateAcls (v1–3, what Kafka 4 serves): handed to the metadata controller, which checks each binding, and
 * answered once this broker has applied the new bindings, so the client's next request here is checked against
 * them. ALTER on the cluster is checked by the dispatcher; without an authorizer the answer is SECURITY_DISABLED.
 */
public final class CreateAclsHandler implements ApiHandler<CreateAclsRequestData> {
    private static final ApiVersionRange VERSIONS = ApiVersionRange.of(ApiKeys.CREATE_ACLS, 1, 3);

    private final ControllerApi controller;
    private final LongFunction<CompletionStage<Void>> awaitApplied;

    public CreateAclsHandler(ControllerApi controller, LongFunction<CompletionStage<Void>> awaitApplied) {
        this.controller = controller;
        this.awaitApplied = awaitApplied;
    }

    @Override
    public CompletionStage<CreateAclsResponseData> handle(RequestContext context, CreateAclsRequestData request) {
        if (!context.authorizer().enabled()) {
            throw new SecurityDisabledException("No Authorizer is configured.");
        }
        return controller.createAcls(request.creations().stream().map(AclMessages::newAcl).toList())
                .thenCompose(result -> awaitApplied.apply(result.offset()).thenApply(applied -> {
                    CreateAclsResponseData response = new CreateAclsResponseData();
                    result.outcomes().forEach(o -> response.results().add(new AclCreationResult()
                            .setErrorCode(o.error().code()).setErrorMessage(o.message())));
                    return response;
                }));
    }

    @Override
    public ApiVersionRange versions() {
        return VERSIONS;
    }
}
