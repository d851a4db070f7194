package io.samsa.broker.network;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.common.network.Send;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A network thread: owns a selector and the connections assigned to it, reads frames, passes them to the
 * {@link FrameHandler} and writes the responses. Handlers that complete at once are answered inline;
 * those that complete later (long-polling fetches) come back through {@link #completions}.
 */
final class Processor implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(Processor.class);

    private final int id;
    private final Selector selector;
    private final FrameHandler handler;
    private final int maxRequestBytes;
    private final long maxIdleMs;
    private final ConcurrentLinkedQueue<SocketChannel> newConnections = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Completion> completions = new ConcurrentLinkedQueue<>();
    private final Map<Long, Connection> connections = new HashMap<>();
    private final AtomicInteger connectionCount;
    private volatile boolean running = true;
    private long nextConnectionId;
    private long lastIdleCheckMs;

    private record Completion(Connection connection, Send response, Throwable error) {
    }

    Processor(int id, FrameHandler handler, int maxRequestBytes, long maxIdleMs, AtomicInteger connectionCount)
            throws IOException {
        this.id = id;
        this.selector = Selector.open();
        this.handler = handler;
        this.maxRequestBytes = maxRequestBytes;
        this.maxIdleMs = maxIdleMs;
        this.connectionCount = connectionCount;
        this.nextConnectionId = ((long) id) << 48;
    }

    void accept(SocketChannel socket) {
        newConnections.add(socket);
        selector.wakeup();
    }

    void shutdown() {
        running = false;
        selector.wakeup();
    }

    @Override
    public void run() {
        try {
            while (running) {
                registerNewConnections();
                drainCompletions();
                selector.select(500);
                long now = System.currentTimeMillis();
                for (SelectionKey key : selector.selectedKeys()) {
                    Connection c = (Connection) key.attachment();
                    if (!key.isValid()) {
                        continue;
                    }
                    c.lastActiveMs = now;
                    if (key.isReadable()) {
                        readAndHandle(c);
                    } else if (key.isWritable()) {
                        continueWriting(c);
                    }
                }
                selector.selectedKeys().clear();
                closeIdle(now);
            }
        } catch (Throwable t) {
            log.error("Network processor {} failed", id, t);
        } finally {
            new ArrayList<>(connections.values()).forEach(this::close);
            try {
                selector.close();
            } catch (IOException ignored) {
                // shutting down anyway
            }
        }
    }

    private void registerNewConnections() {
        SocketChannel socket;
        while ((socket = newConnections.poll()) != null) {
            try {
                socket.configureBlocking(false);
                socket.socket().setTcpNoDelay(true);
                InetSocketAddress remote = (InetSocketAddress) socket.getRemoteAddress();
                long connectionId = nextConnectionId++;
                Connection c = new Connection(connectionId, socket,
                        new FrameHandler.ClientAddress(remote.getHostString(), remote.getPort(), connectionId),
                        System.currentTimeMillis());
                c.key = socket.register(selector, SelectionKey.OP_READ, c);
                connections.put(connectionId, c);
                connectionCount.incrementAndGet();
            } catch (IOException e) {
                log.debug("Could not register a new connection", e);
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // already failing
                }
            }
        }
    }

    private void drainCompletions() {
        Completion done;
        while ((done = completions.poll()) != null) {
            if (done.connection.state != Connection.State.CLOSED) {
                respond(done.connection, done.response, done.error);
            }
        }
    }

    /** Reads frames and handles them until the socket has no complete frame or a response is pending. */
    private void readAndHandle(Connection c) {
        while (c.state == Connection.State.READING) {
            ByteBuffer frame;
            try {
                frame = c.readFrame(maxRequestBytes);
            } catch (Connection.EndOfStreamException e) {
                close(c);
                return;
            } catch (IOException e) {
                log.info("Closing connection from {}: {}", c.address, e.getMessage());
                close(c);
                return;
            }
            if (frame == null) {
                return;
            }
            c.state = Connection.State.PROCESSING;
            c.key.interestOps(0);
            CompletableFuture<Send> response;
            try {
                response = handler.handle(frame, c.address).toCompletableFuture();
            } catch (Throwable t) {
                response = CompletableFuture.failedFuture(t);
            }
            if (response.isDone()) {
                Send send = null;
                Throwable error = null;
                try {
                    send = response.join();
                } catch (Throwable t) {
                    error = t;
                }
                respond(c, send, error);
            } else {
                response.whenComplete((send, error) -> {
                    completions.add(new Completion(c, send, error));
                    selector.wakeup();
                });
            }
        }
    }

    private void respond(Connection c, Send response, Throwable error) {
        if (error != null) {
            log.info("Closing connection from {}: {}", c.address, rootMessage(error));
            close(c);
            return;
        }
        if (response == null) {
            resumeReading(c);
            return;
        }
        c.state = Connection.State.SENDING;
        try {
            if (c.write(response)) {
                resumeReading(c);
            } else {
                c.key.interestOps(SelectionKey.OP_WRITE);
            }
        } catch (IOException e) {
            close(c);
        }
    }

    private void continueWriting(Connection c) {
        try {
            if (c.write(null)) {
                resumeReading(c);
            }
        } catch (IOException e) {
            close(c);
        }
    }

    /** Back to reading; a pipelined request may already be waiting in the socket, so try it now. */
    private void resumeReading(Connection c) {
        c.state = Connection.State.READING;
        c.key.interestOps(SelectionKey.OP_READ);
        readAndHandle(c);
    }

    private void closeIdle(long now) {
        if (maxIdleMs < 0 || now - lastIdleCheckMs < 1000) {
            return;
        }
        lastIdleCheckMs = now;
        for (Connection c : new ArrayList<>(connections.values())) {
            if (c.state == Connection.State.READING && now - c.lastActiveMs > maxIdleMs) {
                log.debug("Closing idle connection from {}", c.address);
                close(c);
            }
        }
    }

    private void close(Connection c) {
        if (connections.remove(c.id) != null) {
            connectionCount.decrementAndGet();
        }
        c.close();
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }
}
