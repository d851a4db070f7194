package io.samsa.clients.core;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.apache.kafka.common.errors.AuthenticationException;

import io.samsa.clients.metadata.MetadataCache;
import io.samsa.clients.metadata.MetadataRefresher;
import io.samsa.network.client.NetworkIo;

/**
 * What producer, consumer and admin share: the settings, the {@link NetworkIo} with the bootstrap addresses
 * registered under negative node ids (-1, -2, ... in the order given) until metadata names the real brokers,
 * the {@link MetadataCache} and its {@link MetadataRefresher}. Built on the thread that builds the client; from
 * then on the network and the refresher belong to the client's one I/O thread (the producer's sender, the
 * consumer's I/O thread, or the admin's calling thread), the metadata cache is read from any thread, and
 * {@link #wakeup} may be called from any thread. A connection that fails to authenticate is reported to the
 * metadata cache (a waiting send throws it) and to each {@link #onAuthenticationFailure} listener, on the I/O
 * thread.
 */
public final class ClientCore implements AutoCloseable {
    private final ClientSettings settings;
    private final NetworkIo network;
    private final MetadataCache metadata;
    private final MetadataRefresher refresher;
    private final Map<Integer, String> bootstrapUrls = new HashMap<>();
    private final List<Consumer<AuthenticationException>> authenticationListeners = new CopyOnWriteArrayList<>();

    public ClientCore(ClientSettings settings) {
        this.settings = settings;
        this.network = settings.security().newNetworkIo(settings.clientId(), settings.requestTimeoutMs(),
                settings.reconnectBackoffMs(), settings.sendBufferBytes());
        this.metadata = new MetadataCache(network::wakeup);
        network.onAuthenticationFailure((node, e) -> {
            metadata.authenticationFailed(e);
            authenticationListeners.forEach(l -> l.accept(e));
        });
        this.refresher = new MetadataRefresher(metadata, network, settings.metadataMaxAgeMs(),
                settings.retryBackoffMs());
        int id = -1;
        for (BootstrapServers.Address a : settings.bootstrap()) {
            network.address(id, a.host(), a.port());
            bootstrapUrls.put(id, a.url());
            id--;
        }
    }

    public ClientSettings settings() {
        return settings;
    }

    /** The connections; only the client's I/O thread uses them (see the class note). */
    public NetworkIo network() {
        return network;
    }

    public MetadataCache metadata() {
        return metadata;
    }

    /** Sends a Metadata refresh when one is due; I/O thread only. */
    public MetadataRefresher refresher() {
        return refresher;
    }

    /**
     * Also tell {@code listener} (on the I/O thread, inside the network's poll) of every authentication failure:
     * Kafka's clients fail what waits on a connection that cannot authenticate rather than retry it.
     */
    public void onAuthenticationFailure(Consumer<AuthenticationException> listener) {
        authenticationListeners.add(listener);
    }

    /** The bootstrap url a negative node id stands for, or null for a real broker's id. */
    public String bootstrapUrl(int nodeId) {
        return bootstrapUrls.get(nodeId);
    }

    /** Wakes the I/O thread from its poll; any thread. */
    public void wakeup() {
        network.wakeup();
    }

    @Override
    public void close() {
        network.close();
    }
}
