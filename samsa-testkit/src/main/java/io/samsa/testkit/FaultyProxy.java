package io.samsa.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP proxy for fault tests. Bytes pass through unchanged unless a fault is armed:
 * <ul>
 *   <li>{@link #dropResponsesEvery}: every n-th chunk read from the server is thrown away and the connection
 *       closed, so the server has done the work (e.g. appended) but the client never hears of it;</li>
 *   <li>{@link #cutRequestsEvery}: every n-th chunk read from the client is forwarded only in part, then the
 *       connection is closed mid-request;</li>
 *   <li>{@link #pause()}/{@link #resume()}: client bytes are held back, so requests stall.</li>
 * </ul>
 * Thread-per-direction; for tests only.
 */
public final class FaultyProxy implements AutoCloseable {
    private final ServerSocket server;
    private final Thread acceptor;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicInteger responseChunks = new AtomicInteger();
    private final AtomicInteger requestChunks = new AtomicInteger();
    private final AtomicInteger faults = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private final Object pauseLock = new Object();
    private volatile int targetPort = -1;
    private volatile int dropEvery;
    private volatile int cutEvery;
    private volatile int maxFaults;
    private volatile boolean paused;
    private volatile boolean closed;

    private FaultyProxy(ServerSocket server) {
        this.server = server;
        this.acceptor = new Thread(this::acceptLoop, "faulty-proxy-accept-" + server.getLocalPort());
        this.acceptor.setDaemon(true);
        this.acceptor.start();
    }

    /** Binds an ephemeral loopback port; set the destination with {@link #target(int)} before clients connect. */
    public static FaultyProxy start() {
        try {
            return new FaultyProxy(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    public void target(int port) {
        this.targetPort = port;
    }

    /** Drops every n-th server→client chunk (closing that connection), at most {@code max} times in total. */
    public void dropResponsesEvery(int n, int max) {
        this.maxFaults = max;
        this.dropEvery = n;
    }

    /** Cuts every n-th client→server chunk in the middle (closing that connection), at most {@code max} times. */
    public void cutRequestsEvery(int n, int max) {
        this.maxFaults = max;
        this.cutEvery = n;
    }

    public void clearFaults() {
        dropEvery = 0;
        cutEvery = 0;
    }

    public void pause() {
        paused = true;
    }

    public void resume() {
        synchronized (pauseLock) {
            paused = false;
            pauseLock.notifyAll();
        }
    }

    /** How many faults (drops and cuts) were injected so far. */
    public int faultsInjected() {
        return faults.get();
    }

    /** How many client connections were accepted so far. */
    public int connectionsAccepted() {
        return connections.get();
    }

    @Override
    public void close() {
        closed = true;
        resume();
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
        sockets.forEach(FaultyProxy::quietClose);
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                connections.incrementAndGet();
                Socket upstream = new Socket();
                try {
                    upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5000);
                } catch (IOException e) {
                    quietClose(client);
                    continue;
                }
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(upstream);
                pump(client, upstream, true);
                pump(upstream, client, false);
            } catch (IOException e) {
                if (!closed) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    private void pump(Socket from, Socket to, boolean clientToServer) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[64 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    if (clientToServer) {
                        awaitNotPaused();
                        if (shouldFault(cutEvery, requestChunks)) {
                            out.write(buf, 0, Math.max(1, n / 2));
                            out.flush();
                            break;
                        }
                    } else if (shouldFault(dropEvery, responseChunks)) {
                        break;
                    }
                    out.write(buf, 0, n);
                }
            } catch (IOException ignored) {
                // the other side closed
            } finally {
                quietClose(from);
                quietClose(to);
                sockets.remove(from);
                sockets.remove(to);
            }
        }, "faulty-proxy-" + (clientToServer ? "up" : "down"));
        t.setDaemon(true);
        t.start();
    }

    private boolean shouldFault(int every, AtomicInteger counter) {
        if (every <= 0 || counter.incrementAndGet() % every != 0) {
            return false;
        }
        while (true) {
            int f = faults.get();
            if (f >= maxFaults) {
                return false;
            }
            if (faults.compareAndSet(f, f + 1)) {
                return true;
            }
        }
    }

    private void awaitNotPaused() throws IOException {
        synchronized (pauseLock) {
            while (paused && !closed) {
                try {
                    pauseLock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
            }
        }
    }

    private static void quietClose(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
