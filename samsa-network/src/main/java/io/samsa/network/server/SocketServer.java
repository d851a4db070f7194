package io.samsa.network.server;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.LongConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds the listener and runs the {@link Acceptor} and the {@link Processor}s. A processor whose thread ends
 * unexpectedly is replaced by a new one under the same index (its connections are lost; new ones go to the
 * replacement) and counted in {@link #networkThreadRestarts()}.
 */
public final class SocketServer implements Closeable, NetworkMetrics {
    private static final Logger log = LoggerFactory.getLogger(SocketServer.class);

    private final NetworkConfig config;
    private final FrameHandler handler;
    private final ServerSocketChannel serverChannel;
    private final AtomicReferenceArray<Processor> processors;
    private final AtomicReferenceArray<Thread> threads;
    private final ConnectionQuotas quotas;
    private final RequestMemoryPool pool;
    private final Processor.ConnectionIds ids;
    private final AtomicLong restarts = new AtomicLong();
    private final Acceptor acceptor;
    private final Thread acceptorThread;
    private volatile boolean closed;

    /**
     * @param onAbandonedRequest told (on a network thread) the id of a connection that closed while its request
     *                           was still being processed, so whoever holds that request can drop it
     */
    public SocketServer(NetworkConfig config, FrameHandler handler, LongConsumer onAbandonedRequest)
            throws IOException {
        this.config = config;
        this.handler = handler;
        preloadClasses();
        this.quotas = new ConnectionQuotas(config.maxConnections(), config.maxConnectionsPerIp());
        this.pool = new RequestMemoryPool(config.queuedMaxRequestBytes());
        AtomicLong nextId = new AtomicLong();
        this.ids = new Processor.ConnectionIds() {
            @Override
            public long next() {
                return nextId.incrementAndGet();
            }

            @Override
            public void abandoned(long connectionId) {
                onAbandonedRequest.accept(connectionId);
            }
        };
        serverChannel = ServerSocketChannel.open();
        serverChannel.socket().setReuseAddress(true);
        serverChannel.bind(new InetSocketAddress(config.host(), config.port()), 1024);
        processors = new AtomicReferenceArray<>(config.processors());
        threads = new AtomicReferenceArray<>(config.processors());
        for (int i = 0; i < config.processors(); i++) {
            processors.set(i, newProcessor(i));
        }
        acceptor = new Acceptor(serverChannel, quotas, new Acceptor.Processors() {
            @Override
            public int size() {
                return processors.length();
            }

            @Override
            public Processor get(int index) {
                return processors.get(index);
            }
        });
        acceptorThread = new Thread(acceptor, "samsa-acceptor");
        acceptorThread.setDaemon(true);
    }

    public void start() {
        for (int i = 0; i < processors.length(); i++) {
            startThread(processors.get(i));
        }
        acceptorThread.start();
    }

    public int port() {
        return serverChannel.socket().getLocalPort();
    }

    @Override
    public int connections() {
        return quotas.count();
    }

    @Override
    public long networkThreadRestarts() {
        return restarts.get();
    }

    @Override
    public long queuedRequestBytes() {
        return pool.reserved();
    }

    /**
     * Loads the classes a network thread needs now: loaded lazily, the first connection after file descriptors
     * run out would fail to load them, and a failed class resolution is never retried by the JVM, which would
     * leave the thread unable to register any connection again.
     */
    private static void preloadClasses() {
        for (Class<?> c : new Class<?>[] {Connection.class, Connection.State.class,
                Connection.EndOfStreamException.class, Connection.InvalidFrameException.class, FrameReader.class,
                SocketTransferableChannel.class, FrameHandler.ClientAddress.class, Processor.NewConnection.class,
                Acceptor.class, ConnectionQuotas.class, RequestMemoryPool.class}) {
            try {
                Class.forName(c.getName(), true, c.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Breaks network thread {@code index} so that it ends unexpectedly; for tests of the replacement. */
    void breakNetworkThreadForTest(int index) throws IOException {
        processors.get(index).breakSelectorForTest();
    }

    private Processor newProcessor(int index) throws IOException {
        return new Processor(index, handler, config, pool, quotas, ids, this::replace);
    }

    private void startThread(Processor p) {
        Thread t = new Thread(p, "samsa-network-" + p.id);
        t.setDaemon(true);
        threads.set(p.id, t);
        t.start();
    }

    /** Called on the dying thread of a processor that ended without being shut down. */
    private void replace(Processor dead, List<Processor.NewConnection> unregistered) {
        if (closed) {
            return;
        }
        log.error("Network thread {} ended unexpectedly; its connections were closed; starting a replacement",
                dead.id);
        try {
            Processor replacement = newProcessor(dead.id);
            processors.set(dead.id, replacement);
            startThread(replacement);
        } catch (IOException | RuntimeException e) {
            log.error("Could not replace network thread {}; its share of new connections goes to the others",
                    dead.id, e);
        }
        restarts.incrementAndGet();
        unregistered.forEach(n -> {
            if (!acceptor.handOver(n)) {
                quotas.release(n.address());
                try {
                    n.socket().close();
                } catch (IOException ignored) {
                    // nothing more to do
                }
            }
        });
    }

    @Override
    public void close() throws IOException {
        closed = true;
        serverChannel.close();
        for (int i = 0; i < processors.length(); i++) {
            processors.get(i).shutdown();
        }
        for (int i = 0; i < threads.length(); i++) {
            Thread t = threads.get(i);
            if (t == null) {
                continue;
            }
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
