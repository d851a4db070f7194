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

import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

import io.samsa.clients.core.BootstrapServers;
import io.samsa.clients.core.ClientCore;
import io.samsa.network.client.NetworkIo;
import io.samsa.network.client.ResponseHandler;

/**
 * Blocking request/response over {@link NetworkIo}, polled on the calling thread: connect (bootstrap servers
 * first, then the brokers metadata names), send one request at the negotiated version, poll until its
 * response. A broker that refuses the client's credentials (SASL, or the TLS handshake) fails the call at once with
 * Kafka's AuthenticationException, as kafka-clients' admin does, instead of being retried until the deadline. Not
 * thread-safe: used on the calling thread only, which {@link SamsaAdmin} serializes.
 */
final class AdminChannel implements AutoCloseable {
    /** After this many failed connects to every bootstrap address, give up before the deadline. */
    private static final int CONNECT_ATTEMPTS = 3;
    private static final long POLL_MS = 20;

    private final ClientCore core;
    private final NetworkIo network;
    private final Map<Integer, Integer> connectFailures = new HashMap<>();

    AdminChannel(ClientCore core) {
        this.core = core;
        this.network = core.network();
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

    /**
     * Sends to {@code nodeId} (null: any broker) and waits for the response until {@code deadlineMs}. A request to
     * any broker whose connection fails is sent again to another one (a broker was killed or restarted) until the
     * deadline; a request to a given node fails with a {@link NetworkException} when that node cannot be reached,
     * so the caller can ask metadata where to go instead.
     */
    <R extends ApiMessage> R call(Integer nodeId, ApiKeys key, Function<Short, ApiMessage> body, long deadlineMs) {
        while (true) {
            try {
                return callOnce(nodeId, key, body, deadlineMs);
            } catch (NetworkException e) {
                if (nodeId != null || System.currentTimeMillis() + POLL_MS >= deadlineMs) {
                    throw e;
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private <R extends ApiMessage> R callOnce(Integer nodeId, ApiKeys key, Function<Short, ApiMessage> body,
                                              long deadlineMs) {
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
            if (!network.isConnecting(nodeId)) { // refused, or backing off after a failure just now
                AuthenticationException auth = network.authenticationError(nodeId);
                if (auth != null) {
                    throw auth;
                }
                throw new NetworkException("Cannot connect to broker " + describe(nodeId));
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
                    AuthenticationException auth = network.authenticationError(id);
                    if (auth != null) {
                        throw auth;
                    }
                    connectFailures.merge(id, 1, Integer::sum);
                    lastFailureMs.put(id, now);
                }
                wasConnecting.put(id, connecting);
                if (core.bootstrapUrl(id) != null && connectFailures.getOrDefault(id, 0) < CONNECT_ATTEMPTS) {
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
        for (BootstrapServers.Address a : core.settings().bootstrap()) {
            tried.add(a.url() + " (" + probe(a) + ")");
        }
        return new BrokerUnreachableException("Cannot reach a broker at " + String.join(", ", tried)
                + " — is 'samsa server' running there? Use --bootstrap-server HOST:PORT to point elsewhere.");
    }

    private static String probe(BootstrapServers.Address address) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address.host(), address.port()), 2000);
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
        String b = core.bootstrapUrl(nodeId);
        return b != null ? b : "node " + nodeId;
    }

    @Override
    public void close() {
        core.close();
    }
}
