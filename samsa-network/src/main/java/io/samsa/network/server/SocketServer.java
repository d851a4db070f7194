package io.samsa.network.server;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;
import java.util.function.LongConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.samsa.network.auth.Authenticator;
import io.samsa.network.auth.Principal;
import io.samsa.network.auth.SecurityProtocol;
import io.samsa.network.tls.SslPrincipalAuthenticator;
import io.samsa.network.tls.SslTransport;
import io.samsa.network.transport.PlaintextTransport;
import io.samsa.network.transport.TransportLayer;
import io.samsa.protocol.FrameSink;
import io.samsa.protocol.ResponseSend;

/**
 * Binds the listeners, one {@link Acceptor} thread each ({@code samsa-acceptor-NAME}), and runs the
 * {@link Processor}s they share ({@code samsa-network-N}). A processor whose thread ends
 * unexpectedly is replaced by a new one under the same index (its connections are lost; new ones go to the
 * replacement) and counted in {@link #networkThreadRestarts()}.
 *
 * <p>Threads: constructed, started and closed by the caller's thread; the metrics and ports may be read from any
 * thread.
 */
public final class SocketServer implements Closeable, NetworkMetrics {
    private static final Logger log = LoggerFactory.getLogger(SocketServer.class);

    private final NetworkConfig config;
    private final FrameHandler handler;
    /** Bound listeners by name, in configuration order. */
    private final Map<String, ServerSocketChannel> serverChannels = new LinkedHashMap<>();
    private final AtomicReferenceArray<Processor> processors;
    private final AtomicReferenceArray<Thread> threads;
    private final ConnectionQuotas quotas;
    private final RequestMemoryPool pool;
    private final Processor.ConnectionIds ids;
    private final AtomicLong restarts = new AtomicLong();
    private final SessionCounters sessions = new SessionCounters();
    private final List<Thread> acceptorThreads = new ArrayList<>();
    private int nextProcessor;
    private volatile boolean closed;

    /**
     * @param onAbandonedRequest told (on a network thread) the id of a connection that closed while its request
     *                           was still being processed, so whoever holds that request can drop it
     */
    public SocketServer(NetworkConfig config, FrameHandler handler, LongConsumer onAbandonedRequest)
            throws IOException {
        this(config, handler, onAbandonedRequest, ChannelBuilder::forEndpoint);
    }

    /**
     * As above, with the transport and authenticator of each listener chosen by {@code channelBuilders}: the
     * broker passes {@code e -> ChannelBuilder.forEndpoint(e, thatListenersConfigs)} (TLS, SASL); tests plug an
     * authenticator in here.
     */
    public SocketServer(NetworkConfig config, FrameHandler handler, LongConsumer onAbandonedRequest,
                        Function<Endpoint, ChannelBuilder> channelBuilders) throws IOException {
        this.config = config;
        Map<Endpoint, ChannelBuilder> builders = new LinkedHashMap<>();
        for (Endpoint e : config.endpoints()) {
            builders.put(e, channelBuilders.apply(e)); // an unsupported protocol fails here, before anything binds
        }
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
        processors = new AtomicReferenceArray<>(config.processors());
        threads = new AtomicReferenceArray<>(config.processors());
        try {
            for (Map.Entry<Endpoint, ChannelBuilder> e : builders.entrySet()) {
                bind(e.getKey(), e.getValue());
            }
        } catch (IOException | RuntimeException e) {
            closeChannels();
            throw e;
        }
        for (int i = 0; i < config.processors(); i++) {
            processors.set(i, newProcessor(i));
        }
    }

    private void bind(Endpoint endpoint, ChannelBuilder channels) throws IOException {
        ServerSocketChannel channel = ServerSocketChannel.open();
        serverChannels.put(endpoint.listenerName(), channel);
        channel.socket().setReuseAddress(true);
        try {
            channel.bind(new InetSocketAddress(endpoint.host(), endpoint.port()), 1024);
        } catch (IOException e) {
            throw new IOException("Listener " + endpoint.listenerName() + " cannot bind " + endpoint.host() + ":"
                    + endpoint.port() + ": " + e.getMessage(), e);
        }
        Acceptor acceptor = new Acceptor(channel, endpoint, channels, quotas, this::handOver);
        Thread t = new Thread(acceptor, "samsa-acceptor-" + endpoint.listenerName());
        t.setDaemon(true);
        acceptorThreads.add(t);
    }

    /**
     * Round-robin over the processors that are alive, for every listener's acceptor and for a dying processor
     * handing back its queue.
     */
    private synchronized boolean handOver(Processor.NewConnection connection) {
        int n = processors.length();
        for (int attempt = 0; attempt < n; attempt++) {
            Processor p = processors.get(nextProcessor);
            nextProcessor = (nextProcessor + 1) % n;
            if (p.accept(connection)) {
                return true;
            }
        }
        return false;
    }

    public void start() {
        for (int i = 0; i < processors.length(); i++) {
            startThread(processors.get(i));
        }
        acceptorThreads.forEach(Thread::start);
    }

    /** The bound port of the first listener (the actual one when it was configured as 0). */
    public int port() {
        return serverChannels.values().iterator().next().socket().getLocalPort();
    }

    /** The bound port of listener {@code listenerName}. */
    public int port(String listenerName) {
        ServerSocketChannel channel = serverChannels.get(listenerName);
        if (channel == null) {
            throw new IllegalArgumentException("No listener named " + listenerName);
        }
        return channel.socket().getLocalPort();
    }

    /** Bound port by listener name, in configuration order. */
    public Map<String, Integer> boundPorts() {
        Map<String, Integer> ports = new LinkedHashMap<>();
        serverChannels.forEach((name, channel) -> ports.put(name, channel.socket().getLocalPort()));
        return ports;
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
    public long reauthentications() {
        return sessions.reauthentications.get();
    }

    @Override
    public long expiredSessionsClosed() {
        return sessions.expiredClosed.get();
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
                PlaintextTransport.class, TransportLayer.class, FrameSink.class, FrameHandler.ClientAddress.class,
                Session.class, Endpoint.class, Principal.class, SecurityProtocol.class, Authenticator.class,
                ChannelBuilder.class, ResponseSend.class, Processor.NewConnection.class, Acceptor.class,
                ConnectionQuotas.class, RequestMemoryPool.class, SslChannelBuilder.class, SslTransport.class,
                SslPrincipalAuthenticator.class}) {
            try {
                Class.forName(c.getName(), true, c.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        }
        // and the instances behind interfaces, whose classes load on first use
        Authenticator.anonymous().principal();
        ChannelBuilder.PLAINTEXT.getClass();
    }

    /** Breaks network thread {@code index} so that it ends unexpectedly; for tests of the replacement. */
    void breakNetworkThreadForTest(int index) throws IOException {
        processors.get(index).breakSelectorForTest();
    }

    private Processor newProcessor(int index) throws IOException {
        return new Processor(index, handler, config, pool, quotas, ids, this::replace, sessions);
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
            if (!handOver(n)) {
                quotas.release(n.address());
                try {
                    n.socket().close();
                } catch (IOException ignored) {
                    // nothing more to do
                }
            }
        });
    }

    private void closeChannels() {
        for (ServerSocketChannel channel : serverChannels.values()) {
            try {
                channel.close();
            } catch (IOException e) {
                log.warn("Could not close a listener's socket", e);
            }
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        closeChannels();
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
