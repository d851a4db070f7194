package io.samsa.network.server;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.samsa.network.transport.TransportLayer;
import io.samsa.protocol.ResponseSend;

/**
 * A network thread: owns a selector and the connections assigned to it, reads frames, passes them to the
 * {@link FrameHandler} and writes the responses. Handlers that complete at once are answered inline; those that
 * complete later (long-polling fetches, other threads) come back through {@link #completions}. Either way the
 * response is encoded here ({@link ResponseSend#encode()}), on the thread that owns the connection, never on the
 * thread that completed it.
 *
 * <p>A new connection first passes its transport's handshake and its listener's authenticator
 * ({@link Connection#advanceSetup()}); only then are request frames read from it. One still in setup after
 * {@link NetworkConfig#setupTimeoutMs()} is closed.
 *
 * <p>Bytes that left the socket but wait inside a connection (read ahead during a request, TLS records buffered in
 * the transport) are not seen by the selector: such connections are queued in {@link #readPending} and served in
 * the same or the next pass, which then does not block in {@code select}.
 *
 * <p>Each select pass reads at most one request per connection, so a connection that pipelines many requests
 * gets one turn per pass like every other (Kafka mutes a channel the same way), and nothing recurses.
 * Any error is contained: one connection's error closes that connection only, and an error outside any
 * connection is logged and the loop goes on (Kafka: "prevent the processor thread from exiting"). If the thread
 * ends anyway, {@link SocketServer} is told and starts a replacement.
 *
 * <p>Throttled connections (KIP-219, {@link ResponseSend#throttleMs}) get their response at once and then wait in
 * {@link Connection.State#THROTTLED}, muted (no selector interest), in {@link #waits} ordered by the end of their
 * throttle: each pass selects no longer than until the first of them is due, and unmutes those that are (bytes they
 * sent meanwhile are then read as usual). The idle timeout skips them and restarts when they are unmuted. A
 * connection whose login failed waits there too, muted, until its error answer may go out
 * ({@code connection.failed.authentication.delay.ms}, as Kafka slows password guessing).
 *
 * <p>Threads: {@link #run} on its own thread; {@link #accept} from the acceptor; completions from any thread.
 */
final class Processor implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(Processor.class);
    private static final long IDLE_SCAN_INTERVAL_MS = 1000;

    /**
     * A socket the acceptor counted in (quotas) and handed over, not yet registered with the selector, with the
     * listener it came in on and the builder of its transport and authenticator.
     */
    record NewConnection(SocketChannel socket, InetAddress address, Endpoint endpoint, ChannelBuilder channels) {
    }

    /** Told when a processor's thread ends without being shut down. */
    interface ExitListener {
        void exited(Processor processor, List<NewConnection> unregistered);
    }

    private record Completion(Connection connection, ResponseSend response, Throwable error) {
    }

    final int id;
    private final Selector selector;
    private final FrameHandler handler;
    private final NetworkConfig config;
    private final RequestMemoryPool pool;
    private final ConnectionQuotas quotas;
    private final ConnectionIds ids;
    private final ExitListener exitListener;
    private final SessionCounters sessions;
    private final ConcurrentLinkedQueue<NewConnection> newConnections = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Completion> completions = new ConcurrentLinkedQueue<>();
    private final Map<Long, Connection> connections = new HashMap<>();
    private final Set<Connection> waitingForMemory = new LinkedHashSet<>();
    /**
     * Connections with bytes already taken from the socket ({@link Connection#hasBufferedBytes()}): back in READING
     * with (part of) their next request read ahead, or with TLS records decrypted (or not yet) inside the
     * transport. Served without waiting for the socket to be readable, as it may never be again for those bytes.
     */
    private final ArrayDeque<Connection> readPending = new ArrayDeque<>();
    /** THROTTLED connections, and failed logins whose answer is delayed: the first due first. */
    private final ConnectionWaits waits = new ConnectionWaits();
    private volatile boolean running = true;
    private volatile boolean alive = true;
    private long lastIdleScanMs;

    /** Connection ids, unique across processors and their replacements; also says who closed one mid-request. */
    interface ConnectionIds {
        long next();

        /** A connection closed while its request was still being processed (its answer is not wanted). */
        void abandoned(long connectionId);
    }

    Processor(int id, FrameHandler handler, NetworkConfig config, RequestMemoryPool pool, ConnectionQuotas quotas,
              ConnectionIds ids, ExitListener exitListener, SessionCounters sessions) throws IOException {
        this.id = id;
        this.selector = Selector.open();
        this.handler = handler;
        this.config = config;
        this.pool = pool;
        this.quotas = quotas;
        this.ids = ids;
        this.exitListener = exitListener;
        this.sessions = sessions;
    }

    /** Hands over a new connection; false if this processor has ended (then the caller picks another). */
    boolean accept(NewConnection connection) {
        newConnections.add(connection);
        if (!alive && newConnections.remove(connection)) {
            return false;
        }
        selector.wakeup();
        return true;
    }

    void shutdown() {
        running = false;
        selector.wakeup();
    }

    /** Makes the thread end as if by an unexpected failure (its selector breaks); for tests of the replacement. */
    void breakSelectorForTest() throws IOException {
        selector.close();
    }

    @Override
    public void run() {
        try {
            int failedInARow = 0;
            while (running && selector.isOpen()) {
                try {
                    pollOnce();
                    failedInARow = 0;
                } catch (ClosedSelectorException e) {
                    throw e;
                } catch (Throwable t) {
                    log.error("Network thread {}: unexpected error outside any connection; continuing", id, t);
                    if (++failedInARow > 1) {
                        pauseAfterRepeatedFailure();
                    }
                }
            }
        } finally {
            alive = false;
            List<NewConnection> unregistered = new ArrayList<>();
            NewConnection n;
            while ((n = newConnections.poll()) != null) {
                unregistered.add(n);
            }
            new ArrayList<>(connections.values()).forEach(this::close);
            try {
                selector.close();
            } catch (IOException | RuntimeException ignored) {
                // ending anyway
            }
            if (running) {
                exitListener.exited(this, unregistered);
            } else {
                unregistered.forEach(this::reject);
            }
        }
    }

    /** A failure that repeats every pass (say, out of file descriptors) must not spin a core and flood the log. */
    private static void pauseAfterRepeatedFailure() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void pollOnce() throws IOException {
        registerNewConnections();
        drainCompletions();
        retryWaitingForMemory();
        if (readPending.isEmpty()) {
            selector.select(waits.timeoutMs(waitingForMemory.isEmpty() ? 500 : 50, System.currentTimeMillis()));
        } else {
            selector.selectNow();
        }
        long now = System.currentTimeMillis();
        wakeDue(now);
        Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
        while (ready.hasNext()) {
            SelectionKey key = ready.next();
            ready.remove();
            Connection c = (Connection) key.attachment();
            try {
                onReady(c, key, now);
            } catch (Throwable t) {
                log.warn("Closing connection from {} after an unexpected error", c.address, t);
                close(c);
            }
        }
        readBuffered();
        closeExpired(now);
    }

    /**
     * Back to reading for the connections whose throttle is over (bytes they sent meanwhile are read this pass); the
     * delayed answer of a failed login goes out, and the connection closes.
     */
    private void wakeDue(long now) {
        for (Connection c : waits.due(now)) {
            if (c.state() == Connection.State.THROTTLED) {
                c.lastActiveMs = now; // the idle timeout starts again: the client could not send while muted
                readingAgain(c);
                updateInterest(c);
            } else if (inSetup(c)) {
                setUp(c);
            }
        }
    }

    /** After the response (if any) is out: muted until the throttle ends, or reading at once. */
    private void afterResponse(Connection c) {
        if (c.unmuteAtMs > System.currentTimeMillis()) {
            c.moveTo(Connection.State.THROTTLED);
            waits.add(c, c.unmuteAtMs);
        } else {
            readingAgain(c);
        }
    }

    /** One turn each for the connections queued in {@link #readPending} before this pass. */
    private void readBuffered() {
        for (int n = readPending.size(); n > 0; n--) {
            Connection c = readPending.poll();
            c.queuedForRead = false;
            if (!c.hasBufferedBytes()) {
                continue; // closed, or its readiness came first this pass and took the bytes
            }
            try {
                if (inSetup(c)) {
                    setUp(c);
                } else {
                    readRequest(c);
                }
            } catch (Throwable t) {
                log.warn("Closing connection from {} after an unexpected error", c.address, t);
                close(c);
            }
        }
    }

    /**
     * Back to reading requests; bytes of the next one already read (ahead, or into the TLS transport) get their turn
     * in this or the next pass through {@link #updateInterest}, which every caller calls next.
     */
    private void readingAgain(Connection c) {
        c.moveTo(Connection.State.READING);
    }

    private void onReady(Connection c, SelectionKey key, long now) {
        if (!key.isValid()) {
            return;
        }
        c.lastActiveMs = now;
        if (inSetup(c)) {
            if (key.isReadable() || key.isWritable()) {
                setUp(c);
            }
            return;
        }
        if (key.isReadable()) {
            if (c.state() == Connection.State.READING) {
                readRequest(c);
            } else {
                watchForClose(c);
            }
        }
        if (key.isValid() && c.state() == Connection.State.SENDING && key.isWritable()) {
            write(c, null);
        }
    }

    private void registerNewConnections() {
        NewConnection n;
        while ((n = newConnections.poll()) != null) {
            try {
                SocketChannel socket = n.socket();
                socket.configureBlocking(false);
                socket.socket().setTcpNoDelay(true);
                InetSocketAddress remote = (InetSocketAddress) socket.getRemoteAddress();
                long connectionId = ids.next();
                TransportLayer transport = n.channels().transport(socket);
                Connection c = new Connection(connectionId, transport, n.channels().authenticator(transport),
                        n.address(),
                        new FrameHandler.ClientAddress(remote.getHostString(), remote.getPort(), connectionId),
                        n.endpoint(), System.currentTimeMillis());
                c.key = socket.register(selector, SelectionKey.OP_READ, c);
                connections.put(connectionId, c);
                setUp(c);
            } catch (Throwable t) {
                log.warn("Could not register a new connection: {}", t.toString());
                reject(n);
            }
        }
    }

    private static boolean inSetup(Connection c) {
        return c.state() == Connection.State.HANDSHAKING || c.state() == Connection.State.AUTHENTICATING;
    }

    /**
     * Handshake, then authentication, as far as the peer's bytes allow; plaintext is through at once. A failed login
     * whose answer must wait is muted until then.
     */
    private void setUp(Connection c) {
        try {
            c.advanceSetup();
        } catch (IOException | RuntimeException e) {
            log.info("Closing connection from {} during {}: {}", c.address, c.state(), e.toString());
            close(c);
            return;
        }
        updateInterest(c);
        long delayedUntil = c.authenticationDelayedUntilMs();
        if (delayedUntil > 0) {
            waits.add(c, delayedUntil);
        }
    }

    private void reject(NewConnection n) {
        quotas.release(n.address());
        try {
            n.socket().close();
        } catch (IOException ignored) {
            // already failing
        }
    }

    private void drainCompletions() {
        Completion done;
        while ((done = completions.poll()) != null) {
            Connection c = done.connection;
            if (c.state() != Connection.State.CLOSED) {
                try {
                    completed(c, done.response, done.error);
                } catch (Throwable t) {
                    log.warn("Closing connection from {} after an unexpected error", c.address, t);
                    close(c);
                }
            }
        }
    }

    private void retryWaitingForMemory() {
        Iterator<Connection> waiting = waitingForMemory.iterator();
        while (waiting.hasNext()) {
            Connection c = waiting.next();
            if (!c.reader.tryReserveRest(pool)) {
                return; // first come, first served: later frames wait behind this one
            }
            waiting.remove();
            updateInterest(c);
        }
    }

    /** Reads at most one request; dispatches it once it is complete. */
    private void readRequest(Connection c) {
        ByteBuffer frame;
        try {
            frame = c.reader.read(c.transport, config.maxRequestBytes(), pool);
        } catch (Connection.EndOfStreamException e) {
            close(c);
            return;
        } catch (IOException e) {
            log.info("Closing connection from {}: {}", c.address, e.getMessage());
            close(c);
            return;
        }
        if (frame == null) {
            if (c.reader.waitingForMemory()) {
                waitingForMemory.add(c);
            }
            updateInterest(c);
            return;
        }
        c.requestReservation = c.reader.takeReservation();
        if (reauthenticatesOrExpired(c, frame)) {
            return;
        }
        c.moveTo(Connection.State.PROCESSING);
        updateInterest(c);
        CompletableFuture<ResponseSend> response;
        try {
            response = handler.handle(frame, c.session()).toCompletableFuture();
        } catch (Throwable t) {
            response = CompletableFuture.failedFuture(t);
        }
        if (response.isDone()) {
            ResponseSend send = null;
            Throwable error = null;
            try {
                send = response.join();
            } catch (Throwable t) {
                error = t;
            }
            completed(c, send, error);
        } else {
            response.whenComplete((send, error) -> {
                completions.add(new Completion(c, send, error));
                selector.wakeup();
            });
        }
    }

    /**
     * KIP-368, before a frame goes to the handlers: a SaslHandshake may begin the connection's re-authentication
     * (the authenticator answers it), and any other request on a session past its lifetime closes the connection,
     * as Kafka does. True if the frame was taken care of here.
     */
    private boolean reauthenticatesOrExpired(Connection c, ByteBuffer frame) {
        long nowNanos = System.nanoTime();
        try {
            if (c.beginReauthentication(frame, System.currentTimeMillis(), nowNanos)) {
                pool.release(c.requestReservation); // the authenticator copied the frame
                c.requestReservation = 0;
                sessions.reauthentications.incrementAndGet();
                setUp(c);
                return true;
            }
        } catch (IOException | RuntimeException e) {
            log.info("Closing connection from {} at re-authentication: {}", c.address, e.toString());
            close(c);
            return true;
        }
        if (c.sessionExpired(nowNanos)) {
            log.info("Closing connection from {}: its SASL session expired without re-authentication"
                    + " (connections.max.reauth.ms)", c.address);
            sessions.expiredClosed.incrementAndGet();
            close(c);
            return true;
        }
        return false;
    }

    /** While a request is in flight: notices a peer that closes (EOF or reset) and frees its socket at once. */
    private void watchForClose(Connection c) {
        try {
            c.reader.readAhead(c.transport);
        } catch (IOException e) {
            close(c);
            return;
        }
        updateInterest(c);
    }

    private void completed(Connection c, ResponseSend response, Throwable error) {
        pool.release(c.requestReservation);
        c.requestReservation = 0;
        c.lastActiveMs = System.currentTimeMillis();
        if (error != null) {
            log.info("Closing connection from {}: {}", c.address, rootMessage(error));
            close(c);
            return;
        }
        c.unmuteAtMs = response == null || response.throttleMs() == 0 ? 0 : c.lastActiveMs + response.throttleMs();
        if (response == null || !response.hasFrame()) {
            afterResponse(c);
            updateInterest(c);
            return;
        }
        try {
            response.encode();
        } catch (RuntimeException e) {
            log.info("Closing connection from {}: its response cannot be encoded: {}", c.address, rootMessage(e));
            close(c);
            return;
        }
        c.moveTo(Connection.State.SENDING);
        write(c, response);
    }

    /** Writes (more of) the response; back to READING once it is out. The next request waits for the next pass. */
    private void write(Connection c, ResponseSend response) {
        try {
            if (c.write(response)) {
                afterResponse(c);
            }
        } catch (IOException e) {
            close(c);
            return;
        }
        updateInterest(c);
    }

    /** Sets the selector interest for the connection's state, and queues it if bytes it needs are buffered already. */
    private void updateInterest(Connection c) {
        if (c.key.isValid()) {
            c.key.interestOps(c.interestOps());
            if (!c.queuedForRead && c.hasBufferedBytes()) {
                c.queuedForRead = true;
                readPending.add(c);
            }
        }
    }

    /**
     * Closes connections with no I/O for connections.max.idle.ms in any state but THROTTLED (a peer that never reads
     * too), and
     * those still in their handshake or authentication after the setup timeout (a peer that trickles bytes is never
     * idle): other connections are served meanwhile, as nothing here blocks on a peer.
     */
    private void closeExpired(long now) {
        if (now - lastIdleScanMs < IDLE_SCAN_INTERVAL_MS) {
            return;
        }
        lastIdleScanMs = now;
        for (Connection c : new ArrayList<>(connections.values())) {
            if (c.state() == Connection.State.THROTTLED) {
                continue; // muted by the broker, not idle by choice
            }
            if (config.maxIdleMs() >= 0 && now - c.lastActiveMs > config.maxIdleMs()) {
                log.debug("Closing connection from {}: idle in state {} for more than {} ms", c.address, c.state(),
                        config.maxIdleMs());
                close(c);
            } else if (config.setupTimeoutMs() >= 0 && inSetup(c) && now - c.setupStartedMs > config.setupTimeoutMs()) {
                log.info("Closing connection from {}: still in {} after {} ms", c.address, c.state(),
                        config.setupTimeoutMs());
                close(c);
            }
        }
    }

    private void close(Connection c) {
        if (connections.remove(c.id) == null) {
            return;
        }
        boolean requestInFlight = c.state() == Connection.State.PROCESSING;
        quotas.release(c.remoteAddress);
        pool.release(c.requestReservation);
        c.requestReservation = 0;
        c.reader.release(pool);
        waitingForMemory.remove(c);
        if (c.state() == Connection.State.THROTTLED || c.authenticationDelayedUntilMs() > 0) {
            waits.remove(c);
        }
        c.close();
        if (requestInFlight) {
            try {
                ids.abandoned(c.id);
            } catch (RuntimeException e) {
                log.warn("Could not drop the pending request of closed connection {}", c.address, e);
            }
        }
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }
}
