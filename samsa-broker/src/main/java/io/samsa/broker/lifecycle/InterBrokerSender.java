package io.samsa.broker.lifecycle;

import java.io.Closeable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.samsa.broker.replica.fetcher.BrokerAddresses;
import io.samsa.network.client.NetworkIo;

/**
 * A thread of its own that sends a broker's requests to other brokers over the inter-broker listener, as Kafka's
 * InterBrokerSendThread: items queued from any thread ({@link #enqueue}) are grouped by the broker they go to
 * ({@link #destination}); once that broker is connected they are handed to {@link #send}, which turns them into
 * requests and answers each from the response. An item whose broker has none ({@code -1}) fails at once, one that
 * waits longer than {@code requestTimeoutMs} for its connection fails as unreachable, and whatever is left when
 * the sender closes fails as closed ({@link #fail}). The thread owns the connections ({@link NetworkIo}); the
 * brokers' addresses are read from the metadata before each connect, so a broker that moved is found.
 *
 * @param <T> a queued item, which carries what its caller waits on
 */
abstract class InterBrokerSender<T> implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(InterBrokerSender.class);
    private static final long POLL_MS = 100;

    /** Why an item failed without an answer from its broker. */
    enum Failure { NO_DESTINATION, UNREACHABLE, CLOSED }

    protected final NetworkIo io;
    private final BrokerAddresses addresses;
    private final long requestTimeoutMs;
    private final ConcurrentLinkedQueue<Queued<T>> queue = new ConcurrentLinkedQueue<>();
    private final Map<Integer, List<Queued<T>>> waiting = new HashMap<>(); // sender thread only: by broker
    private final Thread thread;
    private volatile boolean running = true;

    private record Queued<T>(T item, long queuedMs) {
    }

    InterBrokerSender(String threadName, BrokerAddresses addresses, long requestTimeoutMs) {
        this.io = addresses.newNetworkIo(threadName, requestTimeoutMs, 100, 64 * 1024);
        this.addresses = addresses;
        this.requestTimeoutMs = requestTimeoutMs;
        this.thread = new Thread(this::run, threadName);
        this.thread.setDaemon(true);
    }

    /** Starts the thread; a subclass calls it last in its constructor, once its own fields are set. */
    protected final void start() {
        thread.start();
    }

    /** The broker {@code item} goes to, or -1 when there is none now (it then fails as NO_DESTINATION). */
    protected abstract int destination(T item);

    /**
     * Sends the items waiting for {@code broker}, now connected, removing from {@code items} those it sent (or
     * answered at once); any left wait for the next pass. Sender thread.
     */
    protected abstract void send(int broker, List<T> items, long now);

    /** Answers an item that got no answer from its broker. Sender thread, or the closing one. */
    protected abstract void fail(T item, Failure why);

    /** Queues {@code item} (any thread); false once the sender is closed (the caller answers it then). */
    protected final boolean enqueue(T item) {
        if (!running) {
            return false;
        }
        queue.add(new Queued<>(item, System.currentTimeMillis()));
        io.wakeup();
        return true;
    }

    private void run() {
        try {
            while (running) {
                long now = System.currentTimeMillis();
                for (Queued<T> q; (q = queue.poll()) != null; ) {
                    int broker = destination(q.item());
                    if (broker < 0) {
                        fail(q.item(), Failure.NO_DESTINATION);
                    } else {
                        waiting.computeIfAbsent(broker, b -> new ArrayList<>()).add(q);
                    }
                }
                for (Iterator<Map.Entry<Integer, List<Queued<T>>>> it = waiting.entrySet().iterator(); it.hasNext(); ) {
                    Map.Entry<Integer, List<Queued<T>>> e = it.next();
                    int broker = e.getKey();
                    addresses.address(broker).ifPresent(a -> io.address(broker, a.getHostString(), a.getPort()));
                    if (io.ensureConnected(broker, now)) {
                        sendWaiting(broker, e.getValue(), now);
                    } else {
                        e.getValue().removeIf(q -> {
                            boolean expired = now - q.queuedMs() > requestTimeoutMs;
                            if (expired) {
                                fail(q.item(), Failure.UNREACHABLE);
                            }
                            return expired;
                        });
                    }
                    if (e.getValue().isEmpty()) {
                        it.remove();
                    }
                }
                io.poll(POLL_MS, now);
            }
        } catch (RuntimeException | Error e) {
            log.error("{} stopped", thread.getName(), e);
        } finally {
            io.close();
            waiting.values().forEach(l -> l.forEach(q -> fail(q.item(), Failure.CLOSED)));
            queue.forEach(q -> fail(q.item(), Failure.CLOSED));
        }
    }

    /** Hands the broker's items to {@link #send}; those it leaves keep their queue time. */
    private void sendWaiting(int broker, List<Queued<T>> queued, long now) {
        List<T> items = new ArrayList<>(queued.size());
        queued.forEach(q -> items.add(q.item()));
        send(broker, items, now);
        Set<T> left = Collections.newSetFromMap(new IdentityHashMap<>());
        left.addAll(items);
        queued.removeIf(q -> !left.contains(q.item()));
    }

    @Override
    public void close() {
        running = false;
        io.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
