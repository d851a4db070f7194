package io.samsa.broker.quota;

import java.util.List;
import java.util.function.Supplier;

import io.samsa.metadata.ClientQuotasImage;

/**
 * The broker's three quota managers, over the client quotas of the current metadata image. Thread-safe (see
 * {@link ClientQuotaManager}).
 */
public final class ClientQuotas {
    public final ClientQuotaManager produce;
    public final ClientQuotaManager fetch;
    public final ClientQuotaManager request;

    /** @param images the client quotas of the broker's current metadata image */
    public ClientQuotas(QuotaConfig config, Supplier<ClientQuotasImage> images) {
        produce = new ClientQuotaManager(QuotaType.PRODUCE, config, images);
        fetch = new ClientQuotaManager(QuotaType.FETCH, config, images);
        request = new ClientQuotaManager(QuotaType.REQUEST, config, images);
    }

    /** No quotas ever (tests and tools that build handlers without a broker). */
    public static ClientQuotas none() {
        return new ClientQuotas(QuotaConfig.DEFAULT, () -> ClientQuotasImage.EMPTY);
    }

    public List<ClientQuotaManager> all() {
        return List.of(produce, fetch, request);
    }
}
