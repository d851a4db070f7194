package io.samsa.broker.api;

import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersionCollection;
import org.apache.kafka.common.protocol.ApiKeys;

import io.samsa.network.auth.sasl.ApiVersionsResponder;

/**
 * ApiVersions: lists exactly the APIs and versions in the dispatch table, and from v3 the feature flags
 * ({@link BrokerFeatures}) with the finalized features' epoch (Kafka's: the offset of the metadata image).
 */
public final class ApiVersionsHandler implements ApiHandler<ApiVersionsRequestData> {
    private static final ApiVersionRange VERSIONS = ApiVersionRange.of(ApiKeys.API_VERSIONS, 0, 4);

    private final Supplier<Collection<ApiRegistration>> registrations;
    private final LongSupplier finalizedFeaturesEpoch;
    private final short transactionVersion;

    /** Finalized features at epoch 0 (tests and nodes without a metadata image). */
    public ApiVersionsHandler(Supplier<Collection<ApiRegistration>> registrations) {
        this(registrations, () -> 0L);
    }

    public ApiVersionsHandler(Supplier<Collection<ApiRegistration>> registrations, LongSupplier finalizedFeaturesEpoch) {
        this(registrations, finalizedFeaturesEpoch, (short) 0);
    }

    /** With {@code transaction.version} finalized at {@code transactionVersion} (see {@link BrokerFeatures}). */
    public ApiVersionsHandler(Supplier<Collection<ApiRegistration>> registrations, LongSupplier finalizedFeaturesEpoch,
                              short transactionVersion) {
        this.registrations = registrations;
        this.finalizedFeaturesEpoch = finalizedFeaturesEpoch;
        this.transactionVersion = transactionVersion;
    }

    @Override
    public CompletionStage<ApiVersionsResponseData> handle(RequestContext context, ApiVersionsRequestData request) {
        return CompletableFuture.completedFuture(respond(context.apiVersion()));
    }

    /**
     * The response at {@code version}: also what a SASL listener's authenticator answers before the connection is
     * authenticated, so that a client sees the same APIs before and after (from memory; any thread).
     */
    public ApiVersionsResponseData respond(short version) {
        return BrokerFeatures.addTo(describe(registrations.get()), version,
                Math.max(0, finalizedFeaturesEpoch.getAsLong()), transactionVersion);
    }

    /** What a SASL listener answers before authentication: the same versions, from the same registrations. */
    public ApiVersionsResponder saslResponder() {
        return new ApiVersionsResponder() {
            @Override
            public boolean supports(short version) {
                return version >= VERSIONS.minVersion() && version <= VERSIONS.maxVersion();
            }

            @Override
            public ApiVersionsResponseData respond(short version, ApiVersionsRequestData request) {
                return ApiVersionsHandler.this.respond(version);
            }
        };
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
