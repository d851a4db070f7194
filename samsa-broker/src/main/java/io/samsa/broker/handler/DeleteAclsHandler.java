package io.samsa.broker.handler;

import java.util.concurrent.CompletionStage;
import java.util.function.LongFunction;

import org.apache.kafka.common.errors.SecurityDisabledException;
import org.apache.kafka.common.message.DeleteAclsRequestData;
import org.apache.kafka.common.message.DeleteAclsResponseData;
import org.apache.kafka.common.message.DeleteAclsResponseData.DeleteAclsFilterResult;
import org.apache.kafka.common.protocol.ApiKeys;

import io.samsa.broker.api.ApiHandler;
import io.samsa.broker.api.ApiVersionRange;
import io.samsa.broker.api.RequestContext;
import io.samsa.metadata.AclMessages;
import io.samsa.metadata.ControllerApi;

/**
 * DeleteAcls (v1–3): each filter's matching bindings are deleted by the metadata controller and listed in the
 * filter's result; answered once this broker has applied the deletion. ALTER on the cluster is checked by the
 * dispatcher; without an authorizer the answer is SECURITY_DISABLED.
 */
public final class DeleteAclsHandler implements ApiHandler<DeleteAclsRequestData> {
    private static final ApiVersionRange VERSIONS = ApiVersionRange.of(ApiKeys.DELETE_ACLS, 1, 3);

    private final ControllerApi controller;
    private final LongFunction<CompletionStage<Void>> awaitApplied;

    public DeleteAclsHandler(ControllerApi controller, LongFunction<CompletionStage<Void>> awaitApplied) {
        this.controller = controller;
        this.awaitApplied = awaitApplied;
    }

    @Override
    public CompletionStage<DeleteAclsResponseData> handle(RequestContext context, DeleteAclsRequestData request) {
        if (!context.authorizer().enabled()) {
            throw new SecurityDisabledException("No Authorizer is configured.");
        }
        return controller.deleteAcls(request.filters().stream().map(AclMessages::filter).toList())
                .thenCompose(result -> awaitApplied.apply(result.offset()).thenApply(applied -> {
                    DeleteAclsResponseData response = new DeleteAclsResponseData();
                    result.filters().forEach(f -> response.filterResults().add(new DeleteAclsFilterResult()
                            .setErrorCode(f.outcome().error().code()).setErrorMessage(f.outcome().message())
                            .setMatchingAcls(f.deleted().stream().map(AclMessages::matchingAcl).toList())));
                    return response;
                }));
    }

    @Override
    public ApiVersionRange versions() {
        return VERSIONS;
    }
}
