package io.samsa.network.server;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * Open connections, in total and per client address: {@code max.connections} and {@code max.connections.per.ip}.
 * The acceptor counts a connection in before handing it to a processor; whoever closes it counts it out, once.
 * Thread-safe (the acceptor and every processor); connects and closes are rare enough for one lock.
 */
final class ConnectionQuotas {
    private final int maxConnections;
    private final int maxPerIp;
    private final Map<InetAddress, Integer> perIp = new HashMap<>();
    private int total;

    ConnectionQuotas(int maxConnections, int maxPerIp) {
        this.maxConnections = maxConnections;
        this.maxPerIp = maxPerIp;
    }

    /** Counts a new connection in, or returns why it is refused (null when accepted). */
    synchronized String tryAcquire(InetAddress address) {
        if (total >= maxConnections) {
            return "the broker already has the configured maximum of " + maxConnections
                    + " connections (max.connections)";
        }
        int fromAddress = perIp.getOrDefault(address, 0);
        if (fromAddress >= maxPerIp) {
            return "address " + address.getHostAddress() + " already has the configured maximum of " + maxPerIp
                    + " connections (max.connections.per.ip)";
        }
        perIp.put(address, fromAddress + 1);
        total++;
        return null;
    }

    synchronized void release(InetAddress address) {
        Integer fromAddress = perIp.get(address);
        if (fromAddress == null) {
            return;
        }
        if (fromAddress <= 1) {
            perIp.remove(address);
        } else {
            perIp.put(address, fromAddress - 1);
        }
        total--;
    }

    synchronized int count() {
        return total;
    }
}
