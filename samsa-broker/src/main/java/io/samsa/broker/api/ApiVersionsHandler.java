package io.samsa.broker.api;

import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersionCollection;
import org.apache.kafka.common.protocol.ApiKeys;

/** ApiVersions: lists exactly the APIs and versions in the dispatch table. */
public final class ApiVersionsHandler implements ApiHandler<ApiVersionsRequestData> {
    private static final ApiVersionRange VERSIONS = ApiVersionRange.of(ApiKeys.API_VERSIONS, 0, 4);

    private final Supplier<Collection<ApiRegistration>> registrations;

    public ApiVersionsHandler(Supplier<Collection<ApiRegistration>> registrations) {
        this.registrations = registrations;
    }

    @Override
    public CompletionStage<ApiVersionsResponseData> handle(RequestContext context, ApiVersionsRequestData request) {
        return CompletableFuture.completedFuture(describe(registrations.get()));
    }

    static ApiVersionsResponseData describe(Collection<ApiRegistration> registrations) {
        ApiVersionCollection apis = new ApiVersionCollection();
        registrations.stream()
                .sorted((a, b) -> Short.compare(a.apiKey().id, b.apiKey().id))
                .forEach(r -> apis.add(new ApiVersion()
                        .setApiKey(r.apiKey().id)
                        .setMinVersion(r.minVersion())
                        .setMaxVersion(r.maxVersion())));
        return new ApiVersionsResponseData().setApiKeys(apis);
    }

    @Override
    public ApiVersionRange versions() {
        return VERSIONS;
    }
}
