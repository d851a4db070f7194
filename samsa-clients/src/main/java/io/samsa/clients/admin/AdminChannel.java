package io.samsa.clients.admin;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

import io.samsa.network.client.NetworkIo;
import io.samsa.network.client.ResponseHandler;

/**
 * Blocking request/response over {@link NetworkIo}, polled on the calling thread: connect (bootstrap servers
 * first, then the brokers metadata names), send one request at the negotiated version, poll until its
 * response. Not thread-safe; {@link SamsaAdmin} serializes calls.
 */
final class AdminChannel implements AutoCloseable {
    /** After this many failed connects to every bootstrap address, give up before the deadline. */
    private static final int CONNECT_ATTEMPTS = 3;
    private static final long POLL_MS = 20;

    private final NetworkIo network;
    private final List<String> bootstrap;
    private final Map<Integer, String> bootstrapIds = new HashMap<>();
    private final Map<Integer, Integer> connectFailures = new HashMap<>();

    AdminChannel(String clientId, List<String> bootstrap, long requestTimeoutMs) {
        this.network = new NetworkIo(clientId, requestTimeoutMs, 50, -1);
        this.bootstrap = List.copyOf(bootstrap);
        int id = -1;
        for (String hostPort : bootstrap) {
            int colon = hostPort.lastIndexOf(':');
            int port;
            try {
                port = colon <= 0 ? -1 : Integer.parseInt(hostPort.substring(colon + 1).trim());
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 0) {
                throw new ConfigException("Invalid bootstrap server '" + hostPort + "': expected HOST:PORT");
            }
            network.address(id, hostPort.substring(0, colon).replace("[", "").replace("]", "").trim(), port);
            bootstrapIds.put(id, hostPort.trim());
            id--;
        }
        if (bootstrapIds.isEmpty()) {
            throw new ConfigException("No bootstrap servers given");
        }
    }

    /** Learns broker addresses from a Metadata response, so requests can go to a partition's leader. */
    void learn(MetadataResponseData metadata) {
        for (MetadataResponseData.MetadataResponseBroker b : metadata.brokers()) {
            network.address(b.nodeId(), b.host(), b.port());
        }
    }

    /** Learns one broker's address (a group coordinator named by FindCoordinator). */
    void learn(int nodeId, String host, int port) {
        network.address(nodeId, host, port);
    }

    /** Sends to any broker; {@code body} builds the request for the negotiated version. */
    <R extends ApiMessage> R call(ApiKeys key, Function<Short, ApiMessage> body, long deadlineMs) {
        return call(null, key, body, deadlineMs);
    }

    /** Sends to {@code nodeId} (null: any broker) and waits for the response until {@code deadlineMs}. */
    @SuppressWarnings("unchecked")
    <R extends ApiMessage> R call(Integer nodeId, ApiKeys key, Function<Short, ApiMessage> body, long deadlineMs) {
        int node = nodeId != null ? awaitReady(nodeId, deadlineMs) : awaitAnyReady(deadlineMs);
        short version = network.version(node, key);
        if (version < 0) {
            throw new UnsupportedVersionException("The broker at " + describe(node) + " does not support " + key.name);
        }
        Object[] outcome = new Object[1];
        network.send(node, key, body.apply(version), true, new ResponseHandler() {
            @Override
            public void onResponse(ApiMessage response) {
                outcome[0] = response;
            }

            @Override
            public void onFailure(RuntimeException error) {
                outcome[0] = error;
            }
        }, System.currentTimeMillis());
        while (outcome[0] == null) {
            long now = System.currentTimeMillis();
            if (now >= deadlineMs) {
                network.disconnect(node, new TimeoutException(key.name + " timed out"));
                throw new TimeoutException(key.name + " to " + describe(node) + " got no response in time");
            }
            network.poll(Math.min(POLL_MS, deadlineMs - now), now);
        }
        if (outcome[0] instanceof RuntimeException e) {
            throw e;
        }
        return (R) outcome[0];
    }

    private int awaitReady(int nodeId, long deadlineMs) {
        while (true) {
            long now = System.currentTimeMillis();
            if (network.ensureConnected(nodeId, now)) {
                return nodeId;
            }
            if (now >= deadlineMs) {
                throw new TimeoutException("Could not connect to broker " + describe(nodeId) + " in time");
            }
            network.poll(Math.min(POLL_MS, deadlineMs - now), now);
        }
    }

    private int awaitAnyReady(long deadlineMs) {
        Map<Integer, Boolean> wasConnecting = new HashMap<>();
        Map<Integer, Long> lastFailureMs = new HashMap<>();
        while (true) {
            Integer ready = network.leastLoadedReadyNode();
            if (ready != null) {
                return ready;
            }
            long now = System.currentTimeMillis();
            boolean allGaveUp = true;
            for (int id : network.knownNodes()) {
                if (!network.isConnecting(id)) {
                    network.ensureConnected(id, now);
                }
                boolean connecting = network.isConnecting(id) || network.isReady(id);
                // A failed attempt: a connect that ended without a connection, or one that failed at once.
                boolean failed = Boolean.TRUE.equals(wasConnecting.get(id)) ? !connecting
                        : !connecting && now - lastFailureMs.getOrDefault(id, 0L) >= 50;
                if (failed) {
                    connectFailures.merge(id, 1, Integer::sum);
                    lastFailureMs.put(id, now);
                }
                wasConnecting.put(id, connecting);
                if (bootstrapIds.containsKey(id) && connectFailures.getOrDefault(id, 0) < CONNECT_ATTEMPTS) {
                    allGaveUp = false;
                }
            }
            if (allGaveUp || now >= deadlineMs) {
                throw unreachable();
            }
            network.poll(Math.min(POLL_MS, deadlineMs - now), now);
        }
    }

    /** Why each bootstrap address failed, found with a plain blocking connect (only on this failure path). */
    private BrokerUnreachableException unreachable() {
        List<String> tried = new ArrayList<>();
        for (String hostPort : bootstrap) {
            tried.add(hostPort.trim() + " (" + probe(hostPort.trim()) + ")");
        }
        return new BrokerUnreachableException("Cannot reach a broker at " + String.join(", ", tried)
                + " — is 'samsa server' running there? Use --bootstrap-server HOST:PORT to point elsewhere.");
    }

    private static String probe(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        String host = hostPort.substring(0, colon).replace("[", "").replace("]", "");
        int port = Integer.parseInt(hostPort.substring(colon + 1));
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 2000);
            return "connects, but does not answer the Kafka protocol";
        } catch (UnknownHostException e) {
            return "unknown host";
        } catch (java.net.SocketTimeoutException e) {
            return "connect timed out";
        } catch (IOException e) {
            String m = e.getMessage();
            return m == null ? e.getClass().getSimpleName() : m.toLowerCase().replace(" (connection refused)", "");
        }
    }

    private String describe(int nodeId) {
        String b = bootstrapIds.get(nodeId);
        return b != null ? b : "node " + nodeId;
    }

    @Override
    public void close() {
        network.close();
    }
}
