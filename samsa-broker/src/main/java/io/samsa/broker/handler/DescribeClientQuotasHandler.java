package io.samsa.broker.handler;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import org.apache.kafka.common.message.DescribeClientQuotasRequestData;
import org.apache.kafka.common.message.DescribeClientQuotasResponseData;
import org.apache.kafka.common.message.DescribeClientQuotasResponseData.EntityData;
import org.apache.kafka.common.message.DescribeClientQuotasResponseData.EntryData;
import org.apache.kafka.common.message.DescribeClientQuotasResponseData.ValueData;
import org.apache.kafka.common.protocol.ApiKeys;

import io.samsa.broker.api.ApiHandler;
import io.samsa.broker.api.ApiVersionRange;
import io.samsa.broker.api.RequestContext;
import io.samsa.metadata.MetadataImage;

/**
 * DescribeClientQuotas (v0–1, KIP-546) from this broker's metadata image: every entity the filter matches
 * ({@link ClientQuotaFilter}, Kafka's rules) with all its quotas. DESCRIBE_CONFIGS on the cluster is checked by the
 * dispatcher; a malformed filter fails the whole request (INVALID_REQUEST, or UNSUPPORTED_VERSION for an unknown
 * entity type), as in Kafka. Runs on a request thread; the image is immutable.
 */
public final class DescribeClientQuotasHandler implements ApiHandler<DescribeClientQuotasRequestData> {
    private static final ApiVersionRange VERSIONS = ApiVersionRange.of(ApiKeys.DESCRIBE_CLIENT_QUOTAS, 0, 1);

    private final Supplier<MetadataImage> image;

    public DescribeClientQuotasHandler(Supplier<MetadataImage> image) {
        this.image = image;
    }

    @Override
    public CompletionStage<DescribeClientQuotasResponseData> handle(RequestContext context,
                                                                    DescribeClientQuotasRequestData request) {
        ClientQuotaFilter filter = ClientQuotaFilter.parse(request.components(), request.strict());
        DescribeClientQuotasResponseData response = new DescribeClientQuotasResponseData();
        image.get().quotas().byEntity().forEach((entity, quotas) -> {
            if (filter.matches(entity)) {
                EntryData entry = new EntryData();
                entity.entries().forEach((type, name) -> entry.entity().add(
                        new EntityData().setEntityType(type).setEntityName(name)));
                quotas.forEach((key, value) -> entry.values().add(new ValueData().setKey(key).setValue(value)));
                response.entries().add(entry);
            }
        });
        return CompletableFuture.completedFuture(response);
    }

    @Override
    public ApiVersionRange versions() {
        return VERSIONS;
    }
}
