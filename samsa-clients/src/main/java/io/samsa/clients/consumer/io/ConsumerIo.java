package io.samsa.clients.consumer.io;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.samsa.clients.core.ClientCore;
import io.samsa.clients.metadata.MetadataCache;
import io.samsa.clients.metadata.MetadataRefresher;
import io.samsa.network.client.NetworkIo;
import io.samsa.network.client.ResponseHandler;

/**
 * The consumer's I/O thread. Each turn it runs the tasks the application thread queued, refreshes metadata when
 * due, lets each {@link Participant} (fetcher, offset resetter, heartbeat) send what it needs, and waits on the
 * sockets. Everything that touches {@link NetworkIo} runs here ({@code samsa-consumer-network-thread}); the
 * application thread only queues tasks and requests ({@link #execute}, {@link #request}, safe from any thread).
 */
public final class ConsumerIo implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerIo.class);
    /** Stand-in node id for "any broker": the least loaded ready one. */
    public static final int ANY_NODE = Integer.MIN_VALUE;
    /** Connection ids from here up are coordinator connections (see {@link #coordinatorConnectionId}). */
    public static final int COORDINATOR_BASE = Integer.MAX_VALUE / 2;

    /** Something that sends requests from the I/O thread each turn. */
    public interface Participant {
        /** Sends what is due; returns how long the I/O thread may sleep before calling again. */
        long onTurn(long nowMs);
    }

    /** Builds a request body for the version negotiated with the node. */
    public interface RequestBuilder {
        ApiMessage build(short version);
    }

    private record Pending(int node, ApiKeys key, RequestBuilder builder, CompletableFuture<Response> future,
                           long deadlineMs) {
    }

    /** A response with the version it was decoded at. */
    public record Response(ApiMessage body, short version) {
    }

    private final NetworkIo network;
    private final MetadataCache metadata;
    private final Waiter waiter;
    private final long requestTimeoutMs;
    private final boolean allowAutoTopicCreation;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final List<Participant> participants = new CopyOnWriteArrayList<>();
    private final List<Pending> pending = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean allTopics;
    private final MetadataRefresher metadataRefresher;

    public ConsumerIo(ClientCore core, boolean allowAutoTopicCreation, Waiter waiter) {
        this.network = core.network();
        this.metadata = core.metadata();
        this.metadataRefresher = core.refresher();
        this.waiter = waiter;
        this.requestTimeoutMs = core.settings().requestTimeoutMs();
        this.allowAutoTopicCreation = allowAutoTopicCreation;
        core.onAuthenticationFailure(waiter::authenticationFailed);
        this.thread = new Thread(this, "samsa-consumer-network-thread | " + core.settings().clientId());
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    public MetadataCache metadata() {
        return metadata;
    }

    /** For participants (I/O thread only). */
    public NetworkIo network() {
        return network;
    }

    public Waiter waiter() {
        return waiter;
    }

    public void addParticipant(Participant p) {
        participants.add(p);
    }

    /** Ask for every topic in metadata (pattern subscriptions). */
    public void fetchAllTopics(boolean all) {
        allTopics = all;
        if (all) {
            metadata.requestUpdate();
            wakeup();
        }
    }

    public void wakeup() {
        network.wakeup();
    }

    public boolean onIoThread() {
        return Thread.currentThread() == thread;
    }

    /** Runs {@code task} on the I/O thread. */
    public void execute(Runnable task) {
        tasks.add(task);
        network.wakeup();
    }

    /** Runs {@code task} on the I/O thread and completes the future with its value. */
    public <T> CompletableFuture<T> call(Supplier<T> task) {
        CompletableFuture<T> f = new CompletableFuture<>();
        execute(() -> {
            try {
                f.complete(task.get());
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }

    /**
     * Sends a request to {@code node} ({@link #ANY_NODE}: least loaded), connecting first if needed; fails with a
     * TimeoutException if no connection is ready within request.timeout.ms. Safe from any thread.
     */
    public CompletableFuture<Response> request(int node, ApiKeys key, RequestBuilder builder) {
        CompletableFuture<Response> f = new CompletableFuture<>();
        Pending p = new Pending(node, key, builder, f, System.currentTimeMillis() + requestTimeoutMs);
        if (onIoThread()) {
            pending.add(p);
        } else {
            execute(() -> pending.add(p));
        }
        return f;
    }

    public void close() {
        running = false;
        network.wakeup();
        if (!onIoThread()) {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void run() {
        try {
            while (running) {
                try {
                    turn();
                } catch (Throwable t) {
                    LOG.error("Unexpected error in the consumer I/O thread", t);
                }
            }
        } finally {
            for (Pending p : pending) {
                p.future.completeExceptionally(new NetworkException("Consumer closed"));
            }
            network.close();
            waiter.signal();
        }
    }

    private void turn() {
        long now = System.currentTimeMillis();
        Runnable task;
        while ((task = tasks.poll()) != null) {
            task.run();
        }
        maybeUpdateMetadata(now);
        sendPending(now);
        long sleep = 100;
        for (Participant p : participants) {
            sleep = Math.min(sleep, p.onTurn(now));
        }
        if (!tasks.isEmpty()) {
            sleep = 0;
        }
        network.poll(Math.max(0, sleep), now);
        waiter.signal();
    }

    private void sendPending(long now) {
        Iterator<Pending> it = pending.iterator();
        while (it.hasNext()) {
            Pending p = it.next();
            if (p.future.isDone()) {
                it.remove();
                continue;
            }
            Integer node = p.node == ANY_NODE ? readyNodeOrConnect(now) : (network.ensureConnected(p.node, now)
                    ? Integer.valueOf(p.node) : null);
            if (node == null) {
                if (p.node != ANY_NODE && unreachable(p.node)) {
                    // A broker that refused or dropped the connection (killed, failing over): fail now, retriably,
                    // so the caller asks fresh metadata where to go instead of waiting out request.timeout.ms.
                    it.remove();
                    metadata.requestUpdate();
                    RuntimeException auth = network.authenticationError(p.node);
                    p.future.completeExceptionally(auth != null ? auth : new NetworkException(
                            "Cannot connect to node " + p.node + " for " + p.key));
                    continue;
                }
                if (now > p.deadlineMs) {
                    it.remove();
                    p.future.completeExceptionally(new TimeoutException("No connection to "
                            + (p.node == ANY_NODE ? "any broker" : "node " + p.node) + " for " + p.key));
                }
                continue;
            }
            it.remove();
            short version = network.version(node, p.key);
            ApiMessage body;
            try {
                body = p.builder.build(version);
            } catch (RuntimeException e) {
                p.future.completeExceptionally(e);
                continue;
            }
            network.send(node, p.key, body, true, new ResponseHandler() {
                @Override
                public void onResponse(ApiMessage response) {
                    p.future.complete(new Response(response, version));
                }

                @Override
                public void onFailure(RuntimeException error) {
                    p.future.completeExceptionally(error);
                }
            }, now);
        }
    }

    /** A known broker whose connection attempt failed (no connection, not connecting: reconnect backoff). */
    private boolean unreachable(int node) {
        if (network.isConnecting(node) || network.isReady(node)) {
            return false;
        }
        for (int id : network.knownNodes()) {
            if (id == node) {
                return true;
            }
        }
        return false;
    }

    private void maybeUpdateMetadata(long now) {
        metadataRefresher.maybeRefresh(now, this::readyNodeOrConnect, () -> {
            if (allTopics) {
                return new MetadataRequestData().setTopics(null).setAllowAutoTopicCreation(false);
            }
            List<MetadataRequestData.MetadataRequestTopic> topics = new ArrayList<>();
            for (String t : metadata.wantedTopics()) {
                topics.add(new MetadataRequestData.MetadataRequestTopic().setName(t));
            }
            return new MetadataRequestData().setTopics(topics).setAllowAutoTopicCreation(allowAutoTopicCreation);
        });
    }

    /** A ready broker connection (not a coordinator's), else start connecting to one and return null. */
    public Integer readyNodeOrConnect(long now) {
        Integer best = null;
        int bestLoad = Integer.MAX_VALUE;
        boolean connecting = false;
        List<Integer> known = new ArrayList<>();
        for (int id : network.knownNodes()) {
            if (id >= COORDINATOR_BASE) {
                continue;
            }
            known.add(id);
            if (network.isReady(id)) {
                int load = network.inFlight(id);
                if (load < bestLoad) {
                    best = id;
                    bestLoad = load;
                }
            } else if (network.isConnecting(id)) {
                connecting = true;
            }
        }
        if (best != null || connecting) {
            return best;
        }
        known.sort((a, b) -> Integer.compare(b, a)); // real brokers (>= 0) first, then bootstrap addresses
        network.connectNext(known, now);
        return null;
    }

    /** The connection id for talking to a group coordinator: its own connection, apart from fetches. */
    public static int coordinatorConnectionId(int nodeId) {
        return Integer.MAX_VALUE - nodeId;
    }
}
