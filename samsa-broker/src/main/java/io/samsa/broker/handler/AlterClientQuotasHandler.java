package io.samsa.broker.handler;

import java.util.concurrent.CompletionStage;
import java.util.function.LongFunction;

import org.apache.kafka.common.message.AlterClientQuotasRequestData;
import org.apache.kafka.common.message.AlterClientQuotasResponseData;
import org.apache.kafka.common.protocol.ApiKeys;

import io.samsa.broker.api.ApiHandler;
import io.samsa.broker.api.ApiVersionRange;
import io.samsa.broker.api.RequestContext;
import io.samsa.metadata.ClientQuotaMessages;
import io.samsa.metadata.ControllerApi;

/**
 * AlterClientQuotas (v0–1, KIP-546): handed to the metadata controller, which checks each entity as Kafka's does,
 * and answered once this broker has applied the change, so a DescribeClientQuotas sent here next sees it (and this
 * broker's quota enforcement uses it). ALTER_CONFIGS on the cluster is checked by the dispatcher.
 */
public final class AlterClientQuotasHandler implements ApiHandler<AlterClientQuotasRequestData> {
    private static final ApiVersionRange VERSIONS = ApiVersionRange.of(ApiKeys.ALTER_CLIENT_QUOTAS, 0, 1);

    private final ControllerApi controller;
    private final LongFunction<CompletionStage<Void>> awaitApplied;

    public AlterClientQuotasHandler(ControllerApi controller, LongFunction<CompletionStage<Void>> awaitApplied) {
        this.controller = controller;
        this.awaitApplied = awaitApplied;
    }

    @Override
    public CompletionStage<AlterClientQuotasResponseData> handle(RequestContext context,
                                                                 AlterClientQuotasRequestData request) {
        return controller.alterClientQuotas(ClientQuotaMessages.alterations(request), request.validateOnly())
                .thenCompose(result -> awaitApplied.apply(result.offset())
                        .thenApply(applied -> ClientQuotaMessages.response(result.entities())));
    }

    @Override
    public ApiVersionRange versions() {
        return VERSIONS;
    }
}
