package io.samsa.network.server;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The acceptor thread of one listener ({@code samsa-acceptor-NAME}): accepts connections, applies the connection limits (a connection over a limit is closed
 * at once) and hands the rest to the processors (round-robin over all listeners, skipping a processor whose
 * thread has ended), together with its listener's {@link Endpoint} and {@link ChannelBuilder}.
 * When accept itself fails (typically EMFILE: out of file descriptors) it backs off, 100 ms doubling to 1 s,
 * instead of spinning and flooding the log.
 */
final class Acceptor implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(Acceptor.class);
    private static final long MIN_BACKOFF_MS = 100;
    private static final long MAX_BACKOFF_MS = 1000;

    /** The server's processors (it may replace one while we run), shared by the acceptors of all listeners. */
    interface Processors {
        /** Gives the connection to a live processor, round-robin; false if none took it. */
        boolean handOver(Processor.NewConnection connection);
    }

    private final ServerSocketChannel serverChannel;
    private final Endpoint endpoint;
    private final ChannelBuilder channels;
    private final ConnectionQuotas quotas;
    private final Processors processors;

    Acceptor(ServerSocketChannel serverChannel, Endpoint endpoint, ChannelBuilder channels, ConnectionQuotas quotas,
             Processors processors) {
        this.serverChannel = serverChannel;
        this.endpoint = endpoint;
        this.channels = channels;
        this.quotas = quotas;
        this.processors = processors;
    }

    @Override
    public void run() {
        long backoffMs = 0;
        while (serverChannel.isOpen()) {
            SocketChannel socket;
            try {
                socket = serverChannel.accept();
                backoffMs = 0;
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException | RuntimeException e) {
                backoffMs = backoffMs == 0 ? MIN_BACKOFF_MS : Math.min(MAX_BACKOFF_MS, backoffMs * 2);
                log.warn("Accept failed, retrying in {} ms: {}", backoffMs, e.toString());
                if (!sleep(backoffMs)) {
                    return;
                }
                continue;
            }
            try {
                admit(socket);
            } catch (IOException | RuntimeException e) {
                log.debug("Dropping a new connection", e);
                closeQuietly(socket);
            }
        }
    }

    private void admit(SocketChannel socket) throws IOException {
        InetAddress address = ((InetSocketAddress) socket.getRemoteAddress()).getAddress();
        String refused = quotas.tryAcquire(address);
        if (refused != null) {
            log.info("Rejected connection from {}: {}", address.getHostAddress(), refused);
            closeQuietly(socket);
            return;
        }
        Processor.NewConnection connection = new Processor.NewConnection(socket, address, endpoint, channels);
        if (!processors.handOver(connection)) {
            quotas.release(address);
            closeQuietly(socket);
        }
    }

    private static boolean sleep(long ms) {
        try {
            Thread.sleep(ms);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void closeQuietly(SocketChannel socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing more to do
        }
    }
}
