package io.samsa.clients.metadata;

import java.util.function.LongFunction;
import java.util.function.Supplier;

import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

import io.samsa.network.client.NetworkIo;
import io.samsa.network.client.ResponseHandler;

/**
 * Keeps a {@link MetadataCache} fresh for one client's I/O thread: a Metadata request goes out when one was
 * asked for or the cache is older than {@code metadata.max.age.ms}, never two at once, and after a failure
 * not before {@code retry.backoff.ms}; the answer updates the broker addresses and the cache. Shared by the
 * producer's sender and the consumer's I/O thread, which differ only in whom they ask and what they ask for.
 */
public final class MetadataRefresher {
    private final MetadataCache metadata;
    private final NetworkIo network;
    private final long maxAgeMs;
    private final long retryBackoffMs;
    private boolean inFlight;
    private long nextAttemptMs;

    public MetadataRefresher(MetadataCache metadata, NetworkIo network, long maxAgeMs, long retryBackoffMs) {
        this.metadata = metadata;
        this.network = network;
        this.maxAgeMs = maxAgeMs;
        this.retryBackoffMs = retryBackoffMs;
    }

    /**
     * Sends a refresh if one is due.
     *
     * @param readyNode a ready broker connection, or null after starting to connect to one (then nothing is
     *                  sent this time); only called when a refresh is due
     * @param request   the request to send, built when it is sent
     */
    public void maybeRefresh(long now, LongFunction<Integer> readyNode,
                             Supplier<MetadataRequestData> request) {
        if (inFlight || now < nextAttemptMs) {
            return;
        }
        boolean due = metadata.updateRequested() || metadata.lastUpdateMs() < 0
                || now - metadata.lastUpdateMs() >= maxAgeMs;
        if (!due) {
            return;
        }
        Integer node = readyNode.apply(now);
        if (node == null) {
            return;
        }
        inFlight = true;
        network.send(node, ApiKeys.METADATA, request.get(), true, new ResponseHandler() {
            @Override
            public void onResponse(ApiMessage body) {
                inFlight = false;
                long t = System.currentTimeMillis();
                MetadataResponseData data = (MetadataResponseData) body;
                for (MetadataResponseData.MetadataResponseBroker b : data.brokers()) {
                    network.address(b.nodeId(), b.host(), b.port());
                }
                metadata.update(data, t);
                if (metadata.updateRequested()) {
                    nextAttemptMs = t + retryBackoffMs;
                }
            }

            @Override
            public void onFailure(RuntimeException error) {
                inFlight = false;
                nextAttemptMs = System.currentTimeMillis() + retryBackoffMs;
            }
        }, now);
    }
}
