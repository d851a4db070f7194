package io.samsa.network.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.IntConsumer;

import javax.net.ssl.SSLException;

import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.samsa.network.auth.ClientAuthenticator;
import io.samsa.network.tls.SslFactory;
import io.samsa.network.tls.SslTransport;
import io.samsa.network.transport.PlaintextTransport;
import io.samsa.network.transport.TransportLayer;
import io.samsa.protocol.DecodedResponse;
import io.samsa.protocol.WireCodec;

/**
 * The I/O thread's connections, each through a {@link io.samsa.network.transport.TransportLayer}: plaintext, or
 * TLS when built with an {@link SslFactory} (client mode; the handshake runs first), then, if
 * {@link #authenticateWith configured}, a client authenticator (SASL) before the ApiVersions exchange. Only that
 * thread calls anything here except {@link #wakeup()}. Bootstrap servers get negative node ids until metadata names
 * the real brokers.
 *
 * <p>A response whose throttle_time_ms the client must honour (kafka-clients' {@code shouldClientThrottle}: Produce
 * v6+, Fetch v8+, ... KIP-219) throttles its connection as Kafka's NetworkClient does: nothing more is written to
 * that broker until the throttle ends. Requests sent meanwhile wait in the connection's queue, their
 * request.timeout.ms running; {@link #leastLoadedReadyNode()} skips the node and {@link #throttleDelayMs} tells
 * callers to hold their own work back.
 */
public final class NetworkIo implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NetworkIo.class);
    /** ApiVersions v3 (KIP-511) is what every broker since 2.4 understands with client name and version. */
    private static final short API_VERSIONS_VERSION = 3;
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final String clientId;
    private final long requestTimeoutMs;
    private final ReconnectBackoff backoff;
    private final int sendBufferBytes;
    private final Selector selector;
    /** Null for plaintext. */
    private final SslFactory ssl;
    private final Map<Integer, InetSocketAddress> addresses = new HashMap<>();
    private final Map<Integer, NodeConnection> connections = new HashMap<>();
    private final Map<Integer, AuthenticationException> authenticationErrors = new HashMap<>();
    private Function<TransportLayer, ClientAuthenticator> authenticators = t -> ClientAuthenticator.none();
    private BiConsumer<Integer, AuthenticationException> authenticationListener = (node, e) -> { };
    private IntConsumer throttleTimes = ms -> { };
    private int nextCorrelationId;
    private int connectCursor;

    public NetworkIo(String clientId, long requestTimeoutMs, long reconnectBackoffMs, int sendBufferBytes) {
        this(clientId, requestTimeoutMs, reconnectBackoffMs, sendBufferBytes, null);
    }

    /** As above; every connection speaks TLS with engines from {@code ssl} ({@link SslFactory#forClient}), or plaintext when null. */
    public NetworkIo(String clientId, long requestTimeoutMs, long reconnectBackoffMs, int sendBufferBytes,
                     SslFactory ssl) {
        this.ssl = ssl;
        this.clientId = clientId;
        this.requestTimeoutMs = requestTimeoutMs;
        this.backoff = new ReconnectBackoff(reconnectBackoffMs, ReconnectBackoff.DEFAULT_MAX_MS);
        this.sendBufferBytes = sendBufferBytes;
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * How each new connection authenticates (SASL) before its ApiVersions; none by default. Call before the first
     * connection.
     */
    public NetworkIo authenticateWith(Function<TransportLayer, ClientAuthenticator> authenticators) {
        this.authenticators = authenticators;
        return this;
    }

    /**
     * Why the last connection to {@code nodeId} failed to authenticate (kafka-clients' SaslAuthenticationException
     * with the broker's message), or null: callers fail their operations with it, as Kafka's clients do, rather
     * than retry a wrong password until their timeout.
     */
    public AuthenticationException authenticationError(int nodeId) {
        return authenticationErrors.get(nodeId);
    }

    /**
     * Told of each connection that fails to authenticate (SASL rejected, or the TLS handshake failed), with the
     * node id, on the I/O thread inside {@link #poll}: a client fails its waiting callers with it at once.
     */
    public NetworkIo onAuthenticationFailure(BiConsumer<Integer, AuthenticationException> listener) {
        this.authenticationListener = listener;
        return this;
    }

    /**
     * Told the throttle_time_ms of every response (0 for most), on the I/O thread inside {@link #poll}: what
     * kafka-clients records in its {@code *-throttle-time-avg/max} metrics.
     */
    public NetworkIo onThrottleTime(IntConsumer listener) {
        this.throttleTimes = listener;
        return this;
    }

    /**
     * How long the broker still throttles {@code nodeId} (0: not throttled, or not connected): until then
     * requests to it only queue.
     */
    public long throttleDelayMs(int nodeId, long nowMs) {
        NodeConnection c = connections.get(nodeId);
        return c == null ? 0 : Math.max(0, c.throttledUntilMs - nowMs);
    }

    public void address(int nodeId, String host, int port) {
        InetSocketAddress old = addresses.get(nodeId);
        if (old == null || !old.getHostString().equals(host) || old.getPort() != port) {
            addresses.put(nodeId, InetSocketAddress.createUnresolved(host, port));
            if (old != null) {
                disconnect(nodeId, new NetworkException("Broker " + nodeId + " moved to " + host + ":" + port));
            }
        }
    }

    public boolean isReady(int nodeId) {
        NodeConnection c = connections.get(nodeId);
        return c != null && c.state() == NodeConnection.State.READY;
    }

    public boolean isConnecting(int nodeId) {
        NodeConnection c = connections.get(nodeId);
        return c != null && c.state() != NodeConnection.State.READY;
    }

    /** Starts connecting unless connected, connecting, or in reconnect backoff. Returns whether ready. */
    public boolean ensureConnected(int nodeId, long nowMs) {
        NodeConnection c = connections.get(nodeId);
        if (c != null) {
            return c.state() == NodeConnection.State.READY;
        }
        if (!backoff.mayConnect(nodeId, nowMs)) {
            return false;
        }
        InetSocketAddress unresolved = addresses.get(nodeId);
        if (unresolved == null) {
            return false;
        }
        SocketChannel ch = null;
        try {
            ch = SocketChannel.open();
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            if (sendBufferBytes > 0) {
                ch.setOption(StandardSocketOptions.SO_SNDBUF, sendBufferBytes);
            }
            InetSocketAddress addr = new InetSocketAddress(unresolved.getHostString(), unresolved.getPort());
            boolean connected = ch.connect(addr);
            SelectionKey key = ch.register(selector, connected ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT);
            TransportLayer transport = ssl == null ? new PlaintextTransport(ch)
                    : new SslTransport(ch, ssl.createEngine(unresolved.getHostString(), unresolved.getPort()));
            c = new NodeConnection(nodeId, transport, key, nowMs);
            key.attach(c);
            c.authenticator = authenticators.apply(c.transport);
            connections.put(nodeId, c);
            if (connected) {
                connected(c, nowMs);
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("Connect to node {} failed: {}", nodeId, e.toString());
            backoff.failed(nodeId, nowMs);
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // failed anyway
                }
            }
        }
        return false;
    }

    /** Requests on the wire to a node (awaiting a response or not yet written). */
    public int inFlight(int nodeId) {
        NodeConnection c = connections.get(nodeId);
        return c == null ? 0 : c.inFlight();
    }

    /** The negotiated version of {@code key} on a ready connection, or -1 if the broker lacks the API. */
    public short version(int nodeId, ApiKeys key) {
        NodeConnection c = connections.get(nodeId);
        Short v = c == null ? null : c.versions.get(key);
        return v == null ? -1 : v;
    }

    /** A ready node the broker does not throttle, with the fewest requests in flight, or null. */
    public Integer leastLoadedReadyNode() {
        Integer best = null;
        int bestLoad = Integer.MAX_VALUE;
        long now = System.currentTimeMillis();
        for (NodeConnection c : connections.values()) {
            if (c.state() == NodeConnection.State.READY && c.inFlight() < bestLoad && !c.throttled(now)) {
                best = c.nodeId;
                bestLoad = c.inFlight();
            }
        }
        return best;
    }

    public Iterable<Integer> knownNodes() {
        return new ArrayList<>(addresses.keySet());
    }

    /**
     * Starts connecting to the next of {@code candidates} (in their order, round robin across calls) that
     * is not backing off after a failure.
     */
    public void connectNext(List<Integer> candidates, long nowMs) {
        for (int i = 0; i < candidates.size(); i++) {
            int id = candidates.get(Math.floorMod(connectCursor++, candidates.size()));
            ensureConnected(id, nowMs);
            if (isConnecting(id) || isReady(id)) {
                return;
            }
        }
    }

    /** Queues a request on a ready connection, at the negotiated version, and starts writing it. */
    public void send(int nodeId, ApiKeys key, ApiMessage body, boolean expectResponse, ResponseHandler handler,
                     long nowMs) {
        send(nodeId, key, Short.MAX_VALUE, body, expectResponse, handler, nowMs);
    }

    /**
     * As {@link #send(int, ApiKeys, ApiMessage, boolean, ResponseHandler, long)}, at most at {@code maxVersion}:
     * for a caller whose semantics end at an older version (a transactional producer of transaction version 1
     * stays below the versions that imply version 2).
     */
    public void send(int nodeId, ApiKeys key, short maxVersion, ApiMessage body, boolean expectResponse,
                     ResponseHandler handler, long nowMs) {
        NodeConnection c = connections.get(nodeId);
        if (c == null || c.state() != NodeConnection.State.READY
                && c.state() != NodeConnection.State.REAUTHENTICATING) { // re-authenticating: it waits its turn
            handler.onFailure(new NetworkException("Node " + nodeId + " is not connected"));
            return;
        }
        short version = (short) Math.min(version(nodeId, key), maxVersion);
        if (version < key.oldestVersion()) {
            handler.onFailure(new UnsupportedVersionException("Node " + nodeId + " does not support " + key));
            return;
        }
        enqueue(c, key, version, body, expectResponse, handler, nowMs);
    }

    private void enqueue(NodeConnection c, ApiKeys key, short version, ApiMessage body, boolean expectResponse,
                         ResponseHandler handler, long nowMs) {
        int correlationId = nextCorrelationId++ & Integer.MAX_VALUE;
        ByteBuffer frame = WireCodec.encodeRequest(key, version, clientId, correlationId, body);
        NodeConnection.Request r = new NodeConnection.Request(key, version, correlationId, expectResponse, nowMs, handler);
        c.writes.addLast(new NodeConnection.Outgoing(frame, r));
        if (expectResponse) {
            c.awaiting.addLast(r);
        }
        write(c, nowMs);
    }

    /** TCP is up (or more handshake bytes came): handshake and authenticate, then negotiate versions. */
    private void connected(NodeConnection c, long nowMs) throws IOException {
        if (c.advanceSetup()) {
            c.sessionStarted(nowMs);
            negotiate(c, nowMs);
        } else {
            c.key.interestOps(c.setupInterestOps());
        }
    }

    private void negotiate(NodeConnection c, long nowMs) {
        c.moveTo(NodeConnection.State.NEGOTIATING);
        c.key.interestOps(SelectionKey.OP_READ);
        ApiVersionsRequestData body = new ApiVersionsRequestData()
                .setClientSoftwareName("samsa").setClientSoftwareVersion("0.1.0");
        enqueue(c, ApiKeys.API_VERSIONS, API_VERSIONS_VERSION, body, true, new ResponseHandler() {
            @Override
            public void onResponse(ApiMessage response) {
                ApiVersionsResponseData data = (ApiVersionsResponseData) response;
                if (data.errorCode() != Errors.NONE.code()) {
                    disconnect(c.nodeId, Errors.forCode(data.errorCode()).exception());
                    return;
                }
                for (ApiVersionsResponseData.ApiVersion v : data.apiKeys()) {
                    if (!ApiKeys.hasId(v.apiKey())) {
                        continue;
                    }
                    ApiKeys k = ApiKeys.forId(v.apiKey());
                    short ours = k.latestVersion();
                    short chosen = (short) Math.min(ours, v.maxVersion());
                    if (chosen >= Math.max(v.minVersion(), k.oldestVersion())) {
                        c.versions.put(k, chosen);
                    }
                }
                c.moveTo(NodeConnection.State.READY);
                backoff.succeeded(c.nodeId);
                authenticationErrors.remove(c.nodeId);
            }

            @Override
            public void onFailure(RuntimeException error) {
                // the connection is gone already
            }
        }, nowMs);
    }

    /** Waits for I/O up to {@code timeoutMs} (0 = don't wait), then handles connects, writes, reads, timeouts. */
    public void poll(long timeoutMs, long nowMs) {
        startDueReauthentications(nowMs); // a request queued on an idle connection whose session is due
        List<NodeConnection> buffered = withBufferedBytes();
        // wake when a throttle ends, to write what waited for it
        timeoutMs = Math.min(timeoutMs, nextThrottleEndMs(nowMs) - nowMs);
        try {
            if (timeoutMs <= 0 || !buffered.isEmpty()) {
                selector.selectNow();
            } else {
                selector.select(timeoutMs);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long now = System.currentTimeMillis();
        Iterator<SelectionKey> it = selector.selectedKeys().iterator();
        while (it.hasNext()) {
            SelectionKey key = it.next();
            it.remove();
            NodeConnection c = (NodeConnection) key.attachment();
            if (!key.isValid() || connections.get(c.nodeId) != c) {
                continue;
            }
            try {
                if (key.isConnectable()) {
                    if (c.transport.socketChannel().finishConnect()) {
                        connected(c, now);
                    }
                    continue;
                }
                if (c.settingUp()) {
                    connected(c, now);
                    continue;
                }
                if (c.state() == NodeConnection.State.REAUTHENTICATING) {
                    reauthenticate(c, now);
                    continue;
                }
                if (key.isWritable()) {
                    write(c, now);
                }
                if (key.isValid() && key.isReadable()) {
                    read(c);
                }
            } catch (IOException | RuntimeException e) {
                failed(c, e);
            }
        }
        for (NodeConnection c : buffered) {
            if (connections.get(c.nodeId) == c && c.transport.hasBytesBuffered()) {
                try {
                    if (c.settingUp()) {
                        connected(c, now);
                    } else if (c.state() == NodeConnection.State.REAUTHENTICATING) {
                        reauthenticate(c, now);
                    } else {
                        read(c);
                    }
                } catch (IOException | RuntimeException e) {
                    failed(c, e);
                }
            }
        }
        writeUnthrottled(now);
        startDueReauthentications(now);
        expireRequests(now);
    }

    /**
     * KIP-368, as kafka-clients does it: a connection whose session is due for renewal sends nothing new; once no
     * response is outstanding it re-authenticates (the broker closes a session that outlives its lifetime).
     */
    private void startDueReauthentications(long nowMs) {
        List<NodeConnection> due = null;
        for (NodeConnection c : connections.values()) {
            if (c.state() == NodeConnection.State.READY && c.reauthDue(nowMs) && !c.responsesOutstanding()
                    && !c.writes.isEmpty() && c.writes.peekFirst().frame().position() == 0
                    && !c.transport.hasPendingWrites()) {
                if (due == null) {
                    due = new ArrayList<>();
                }
                due.add(c);
            }
        }
        if (due != null) {
            for (NodeConnection c : due) {
                try {
                    c.moveTo(NodeConnection.State.REAUTHENTICATING);
                    c.reauthStartedMs = nowMs;
                    c.authenticator = authenticators.apply(c.transport);
                    reauthenticate(c, nowMs);
                } catch (IOException | RuntimeException e) {
                    failed(c, e);
                }
            }
        }
    }

    /** The re-authentication goes on as far as the bytes allow; once done, the waiting requests go out. */
    private void reauthenticate(NodeConnection c, long nowMs) throws IOException {
        if (!c.authenticator.authenticate()) {
            c.key.interestOps(c.setupInterestOps());
            return;
        }
        c.moveTo(NodeConnection.State.READY);
        c.sessionStarted(nowMs);
        LOG.debug("Re-authenticated to node {}", c.nodeId);
        c.key.interestOps(SelectionKey.OP_READ);
        write(c, nowMs);
    }

    /** The earliest end of a throttle still holding queued requests back, or {@code Long.MAX_VALUE}. */
    private long nextThrottleEndMs(long nowMs) {
        long next = Long.MAX_VALUE;
        for (NodeConnection c : connections.values()) {
            if (c.throttled(nowMs) && !c.writes.isEmpty()) {
                next = Math.min(next, c.throttledUntilMs);
            }
        }
        return next;
    }

    /** Ends the throttles that are over, writing the requests that waited for them. */
    private void writeUnthrottled(long nowMs) {
        List<NodeConnection> due = null;
        for (NodeConnection c : connections.values()) {
            if (c.throttledUntilMs > 0 && !c.throttled(nowMs)) {
                c.throttledUntilMs = 0;
                if (due == null) {
                    due = new ArrayList<>();
                }
                due.add(c);
            }
        }
        if (due != null) {
            for (NodeConnection c : due) {
                if (connections.get(c.nodeId) == c) {
                    write(c, nowMs);
                }
            }
        }
    }

    private void failed(NodeConnection c, Exception e) {
        if (e instanceof SSLException && c.state() != NodeConnection.State.READY) {
            // As Kafka: a TLS failure before the first response (TLS 1.3 reports a refused client certificate
            // only then) is an authentication failure, not a broker to retry.
            e = new SslAuthenticationException("SSL handshake failed", e);
        }
        if (e instanceof AuthenticationException auth) {
            LOG.info("Authentication to node {} failed: {}", c.nodeId, auth.getMessage());
            authenticationErrors.put(c.nodeId, auth);
            disconnect(c.nodeId, auth);
            authenticationListener.accept(c.nodeId, auth);
            return;
        }
        disconnect(c.nodeId, e instanceof IOException
                ? new NetworkException("Connection to node " + c.nodeId + " failed: " + e.getMessage(), e)
                : (RuntimeException) e);
    }

    /**
     * Connections holding bytes that already left the socket (TLS records inside the transport, after a handler
     * returned mid-stream): the selector will not report them, so they are read without waiting.
     */
    private List<NodeConnection> withBufferedBytes() {
        List<NodeConnection> buffered = List.of();
        for (NodeConnection c : connections.values()) {
            if (c.state() != NodeConnection.State.CONNECTING && c.transport.hasBytesBuffered()) {
                if (buffered.isEmpty()) {
                    buffered = new ArrayList<>();
                }
                buffered.add(c);
            }
        }
        return buffered;
    }

    private void write(NodeConnection c, long nowMs) {
        try {
            if (c.writes.isEmpty() && c.transport.hasPendingWrites()) {
                c.transport.write(EMPTY); // the encrypted tail of the last request
            }
            while (!c.writes.isEmpty()) {
                NodeConnection.Outgoing o = c.writes.peekFirst();
                if (o.frame().position() == 0 && (c.holdsNewRequests(nowMs)
                        || c.state() == NodeConnection.State.REAUTHENTICATING)) {
                    break; // a new request waits for the throttle or the re-authentication; one begun is finished
                }
                c.transport.write(o.frame());
                if (o.frame().hasRemaining()) {
                    break;
                }
                c.writes.pollFirst();
                if (!o.request().expectResponse()) {
                    o.request().handler().onResponse(null);
                }
            }
        } catch (SSLException e) {
            failed(c, e);
            return;
        } catch (IOException e) {
            disconnect(c.nodeId, new NetworkException("Write to node " + c.nodeId + " failed: " + e.getMessage(), e));
            return;
        }
        if (c.key.isValid() && c.state() == NodeConnection.State.REAUTHENTICATING) {
            c.key.interestOps(c.setupInterestOps()); // the authenticator's bytes decide, not the waiting requests
        } else if (c.key.isValid()) {
            int ops = c.state() == NodeConnection.State.CONNECTING ? SelectionKey.OP_CONNECT : SelectionKey.OP_READ;
            boolean more = !c.writes.isEmpty() && !(c.holdsNewRequests(nowMs)
                    && c.writes.peekFirst().frame().position() == 0) || c.transport.hasPendingWrites();
            c.key.interestOps(more ? ops | SelectionKey.OP_WRITE : ops);
        }
    }

    private void read(NodeConnection c) throws IOException {
        while (true) {
            if (c.body == null) {
                int n = c.transport.read(c.sizeBuffer);
                if (n < 0) {
                    throw new IOException("Connection closed by broker");
                }
                if (c.sizeBuffer.hasRemaining()) {
                    return;
                }
                c.sizeBuffer.flip();
                int size = c.sizeBuffer.getInt();
                c.sizeBuffer.clear();
                if (size < 4) {
                    throw new IOException("Invalid response size " + size);
                }
                c.body = ByteBuffer.allocate(size);
            }
            int n = c.transport.read(c.body);
            if (n < 0) {
                throw new IOException("Connection closed by broker");
            }
            if (c.body.hasRemaining()) {
                return;
            }
            ByteBuffer frame = c.body.flip();
            c.body = null;
            NodeConnection.Request r = c.awaiting.pollFirst();
            if (r == null) {
                throw new IOException("Response without a request");
            }
            DecodedResponse response = WireCodec.parseResponse(frame, r.key(), r.version(), r.correlationId());
            maybeThrottle(c, r, response);
            r.handler().onResponse(response.data());
            if (connections.get(c.nodeId) != c) {
                return; // the handler disconnected us
            }
        }
    }

    /** As NetworkClient.maybeThrottle: only a response version whose broker expects the client to back off. */
    private void maybeThrottle(NodeConnection c, NodeConnection.Request r, DecodedResponse response) {
        int throttleMs = response.throttleTimeMs();
        throttleTimes.accept(throttleMs);
        if (response.clientThrottles()) {
            c.throttle(System.currentTimeMillis() + throttleMs);
            LOG.trace("Node {} throttles this client for {} ms ({} v{})", c.nodeId, throttleMs, r.key(),
                    r.version());
        }
    }

    private void expireRequests(long nowMs) {
        List<Integer> expired = null;
        for (NodeConnection c : connections.values()) {
            NodeConnection.Request oldest = c.awaiting.peekFirst();
            boolean connectTimedOut = c.settingUp() && nowMs - c.startedMs > requestTimeoutMs
                    || c.state() == NodeConnection.State.REAUTHENTICATING
                    && nowMs - c.reauthStartedMs > requestTimeoutMs;
            if ((oldest != null && nowMs - oldest.sentMs() > requestTimeoutMs) || connectTimedOut) {
                if (expired == null) {
                    expired = new ArrayList<>();
                }
                expired.add(c.nodeId);
            }
        }
        if (expired != null) {
            for (int id : expired) {
                disconnect(id, new TimeoutException("Request to node " + id + " timed out after "
                        + requestTimeoutMs + " ms (request.timeout.ms)"));
            }
        }
    }

    /** Closes a connection; every request on it fails with {@code error}. */
    public void disconnect(int nodeId, RuntimeException error) {
        NodeConnection c = connections.remove(nodeId);
        if (c == null) {
            return;
        }
        backoff.failed(nodeId, System.currentTimeMillis());
        c.key.cancel();
        try {
            c.transport.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        List<NodeConnection.Request> failed = new ArrayList<>(c.awaiting);
        for (NodeConnection.Outgoing o : c.writes) {
            if (!o.request().expectResponse()) {
                failed.add(o.request());
            }
        }
        c.awaiting.clear();
        c.writes.clear();
        for (NodeConnection.Request r : failed) {
            r.handler().onFailure(error);
        }
    }

    public void wakeup() {
        selector.wakeup();
    }

    @Override
    public void close() {
        for (int id : new ArrayList<>(connections.keySet())) {
            disconnect(id, new NetworkException("Client closed"));
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
