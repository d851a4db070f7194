package io.samsa.broker.network;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Binds the listener, accepts connections and spreads them over the processors round-robin. */
public final class SocketServer implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(SocketServer.class);

    private final ServerSocketChannel serverChannel;
    private final List<Processor> processors = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicInteger connectionCount = new AtomicInteger();
    private final Thread acceptor;

    public SocketServer(String host, int port, int processorCount, int maxRequestBytes, long maxIdleMs,
                        FrameHandler handler) throws IOException {
        serverChannel = ServerSocketChannel.open();
        serverChannel.socket().setReuseAddress(true);
        serverChannel.bind(new InetSocketAddress(host, port), 1024);
        for (int i = 0; i < processorCount; i++) {
            Processor p = new Processor(i, handler, maxRequestBytes, maxIdleMs, connectionCount);
            processors.add(p);
            Thread t = new Thread(p, "samsa-network-" + i);
            t.setDaemon(true);
            threads.add(t);
        }
        acceptor = new Thread(this::acceptLoop, "samsa-acceptor");
        acceptor.setDaemon(true);
    }

    public void start() {
        threads.forEach(Thread::start);
        acceptor.start();
    }

    public int port() {
        return serverChannel.socket().getLocalPort();
    }

    public int connectionCount() {
        return connectionCount.get();
    }

    private void acceptLoop() {
        int next = 0;
        while (serverChannel.isOpen()) {
            try {
                SocketChannel socket = serverChannel.accept();
                processors.get(next).accept(socket);
                next = (next + 1) % processors.size();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                log.warn("Accept failed: {}", e.getMessage());
            }
        }
    }

    @Override
    public void close() throws IOException {
        serverChannel.close();
        processors.forEach(Processor::shutdown);
        for (Thread t : threads) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
