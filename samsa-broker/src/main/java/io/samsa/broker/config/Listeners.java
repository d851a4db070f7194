package io.samsa.broker.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.common.config.ConfigException;

import io.samsa.network.auth.SecurityProtocol;
import io.samsa.network.server.Endpoint;

/**
 * The named listeners, with Kafka's keys and rules: {@code listeners} (several {@code NAME://host:port}),
 * {@code advertised.listeners} (a subset of the names, the addresses clients are told), {@code
 * listener.security.protocol.map} ({@code NAME:PROTOCOL,...}; Kafka's default maps each protocol's own name) and
 * {@code inter.broker.listener.name}. Every mistake stops the start with a message naming the key: a duplicate
 * name or port, a name without a protocol, an advertised or inter-broker name that is not a listener, and a
 * controller listener mapped to SASL_PLAINTEXT or SASL_SSL (the metadata quorum runs on Ratis gRPC: PLAINTEXT or
 * SSL only). Immutable.
 */
public final class Listeners {
    static final String DEFAULT_PROTOCOL_MAP = "PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL";

    private final List<Listener> bound;
    private final Map<String, Listener> advertised;
    private final Map<String, SecurityProtocol> protocols;
    private final String interBrokerListenerName;
    private final List<String> controllerListenerNames;
    private final Listener controllerListener;
    /** Null without controller names. */
    private final String quorumListenerName;
    private final SecurityProtocol controllerProtocol;

    private Listeners(List<Listener> bound, Map<String, Listener> advertised, Map<String, SecurityProtocol> protocols,
                      String interBrokerListenerName, List<String> controllerListenerNames,
                      Listener controllerListener, String quorumListenerName, SecurityProtocol controllerProtocol) {
        this.bound = bound;
        this.quorumListenerName = quorumListenerName;
        this.controllerProtocol = controllerProtocol;
        this.advertised = advertised;
        this.protocols = protocols;
        this.interBrokerListenerName = interBrokerListenerName;
        this.controllerListenerNames = controllerListenerNames;
        this.controllerListener = controllerListener;
    }

    static Listeners read(ConfigReader r) {
        String listenersValue = r.string("listeners", "PLAINTEXT://127.0.0.1:9092");
        List<Listener> all = parseList("listeners", listenersValue, true);
        List<String> controllerNames = names(r.string("controller.listener.names", null));
        String mapValue = r.string("listener.security.protocol.map", null);
        Map<String, SecurityProtocol> protocols = protocolMap(mapValue == null ? DEFAULT_PROTOCOL_MAP : mapValue);
        if (mapValue == null) {
            // Kafka: without an explicit map, controller listeners that are not a protocol's name are PLAINTEXT.
            controllerNames.forEach(n -> protocols.putIfAbsent(n, SecurityProtocol.PLAINTEXT));
            r.string("listener.security.protocol.map", DEFAULT_PROTOCOL_MAP);
        }
        Listener controller = all.stream().filter(l -> controllerNames.contains(l.name())).findFirst().orElse(null);
        List<Listener> bound = all.stream().filter(l -> !controllerNames.contains(l.name())).toList();
        for (Listener l : all) {
            SecurityProtocol p = protocols.get(l.name());
            if (p == null) {
                throw new ConfigException("listener.security.protocol.map", protocols.toString(), "listener "
                        + l.name() + " has no security protocol; add " + l.name() + ":PLAINTEXT"
                        + (controllerNames.isEmpty() ? " (or, for the quorum's listener, set controller.listener.names="
                        + l.name() + ")" : ""));
            }
            if (controllerNames.contains(l.name())) {
                refuseSasl(l.name(), p, protocols);
            }
        }
        // The quorum runs on the bound controller listener; a broker-only node binds none but reaches the quorum
        // in the protocol of the first controller name.
        String quorumName = controller != null ? controller.name()
                : controllerNames.isEmpty() ? null : controllerNames.get(0);
        SecurityProtocol quorum = quorumName == null ? SecurityProtocol.PLAINTEXT
                : protocols.getOrDefault(quorumName, SecurityProtocol.PLAINTEXT);
        if (quorumName != null) {
            refuseSasl(quorumName, quorum, protocols);
        }
        Map<String, Listener> advertised = new LinkedHashMap<>();
        String advertisedValue = r.string("advertised.listeners", null);
        if (advertisedValue != null) {
            for (Listener a : parseList("advertised.listeners", advertisedValue, false)) {
                if (all.stream().noneMatch(l -> l.name().equals(a.name()))) {
                    throw new ConfigException("advertised.listeners", advertisedValue, "listener " + a.name()
                            + " is not in listeners (" + names(all) + ")");
                }
                advertised.put(a.name(), a);
            }
        }
        String interBroker = r.string("inter.broker.listener.name", null);
        if (interBroker != null) {
            interBroker = interBroker.toUpperCase(Locale.ROOT);
            String name = interBroker;
            if (controllerNames.contains(name)) {
                throw new ConfigException("inter.broker.listener.name", interBroker, "is a controller listener "
                        + "(controller.listener.names); brokers replicate through a broker listener");
            }
            if (bound.stream().noneMatch(l -> l.name().equals(name))) {
                throw new ConfigException("inter.broker.listener.name", interBroker, "not a listener name ("
                        + names(bound) + ")");
            }
        } else {
            // Kafka's default is the listener named after security.inter.broker.protocol (PLAINTEXT); without one
            // Samsa takes the first broker listener rather than fail (a controller-only node has none: null).
            interBroker = bound.stream().anyMatch(l -> l.name().equals("PLAINTEXT")) ? "PLAINTEXT"
                    : bound.isEmpty() ? null : bound.get(0).name();
        }
        return new Listeners(List.copyOf(bound), Collections.unmodifiableMap(advertised), Map.copyOf(protocols),
                interBroker, controllerNames, controller, quorumName, quorum);
    }

    private static void refuseSasl(String name, SecurityProtocol p, Map<String, SecurityProtocol> protocols) {
        if (p == SecurityProtocol.SASL_PLAINTEXT || p == SecurityProtocol.SASL_SSL) {
            throw new ConfigException("listener.security.protocol.map", protocols.toString(), "controller listener "
                    + name + " uses security protocol " + p + "; the metadata quorum (Ratis gRPC) has no SASL: map "
                    + name + " to SSL (mutual TLS with ssl.client.auth=required) or PLAINTEXT");
        }
    }

    /** {@code controller.listener.names}: comma-separated, upper-cased; empty when not set. */
    private static List<String> names(String value) {
        if (value == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String n : value.split(",")) {
            if (!n.isBlank()) {
                out.add(n.trim().toUpperCase(Locale.ROOT));
            }
        }
        return List.copyOf(out);
    }

    private static List<Listener> parseList(String key, String value, boolean uniquePorts) {
        List<Listener> out = new ArrayList<>();
        Map<Integer, String> ports = new HashMap<>();
        for (String entry : value.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            Listener l = Listener.parse(key, entry);
            if (out.stream().anyMatch(o -> o.name().equals(l.name()))) {
                throw new ConfigException(key, value, "listener name " + l.name() + " appears more than once");
            }
            String other = ports.put(l.port(), l.name());
            if (uniquePorts && l.port() != 0 && other != null) {
                throw new ConfigException(key, value, "listeners " + other + " and " + l.name()
                        + " both use port " + l.port() + "; each listener needs its own port");
            }
            out.add(l);
        }
        if (out.isEmpty()) {
            throw new ConfigException(key, value, "at least one NAME://host:port is needed");
        }
        return out;
    }

    private static Map<String, SecurityProtocol> protocolMap(String value) {
        Map<String, SecurityProtocol> map = new LinkedHashMap<>();
        for (String entry : value.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            int colon = entry.indexOf(':');
            if (colon <= 0) {
                throw new ConfigException("listener.security.protocol.map", value, "expected NAME:PROTOCOL, got "
                        + entry.trim());
            }
            String name = entry.substring(0, colon).trim().toUpperCase(Locale.ROOT);
            SecurityProtocol protocol;
            try {
                protocol = SecurityProtocol.forName(entry.substring(colon + 1));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("listener.security.protocol.map", value, e.getMessage());
            }
            if (map.put(name, protocol) != null) {
                throw new ConfigException("listener.security.protocol.map", value, "listener name " + name
                        + " appears more than once");
            }
        }
        return map;
    }

    private static String names(List<Listener> listeners) {
        return String.join(", ", listeners.stream().map(Listener::name).toList());
    }

    /** The listeners the Kafka socket server binds, in configuration order (the controller listener excluded). */
    public List<Listener> bound() {
        return bound;
    }

    /** The {@code advertised.listeners} entry of listener {@code name}, if it has one. */
    public Optional<Listener> advertised(String name) {
        return Optional.ofNullable(advertised.get(name));
    }

    public SecurityProtocol securityProtocol(String name) {
        return protocols.get(name);
    }

    /**
     * {@code inter.broker.listener.name}: follower fetchers connect to leaders through it (unused on a single
     * node); null on a controller-only node.
     */
    public String interBrokerListenerName() {
        return interBrokerListenerName;
    }

    /** {@code controller.listener.names}, upper-cased, in order; empty when not set. */
    public List<String> controllerListenerNames() {
        return controllerListenerNames;
    }

    /**
     * The listener of {@code listeners} named first in {@code controller.listener.names}: the address the
     * metadata quorum binds on a controller. Empty on a broker-only node and when no controller name is set.
     */
    public Optional<Listener> controllerListener() {
        return Optional.ofNullable(controllerListener);
    }

    /**
     * The listener the metadata quorum's traffic goes through: {@link #controllerListener()}'s name on a controller,
     * the first of {@code controller.listener.names} on a broker-only node; empty when no controller name is set.
     */
    public Optional<String> quorumListenerName() {
        return Optional.ofNullable(quorumListenerName);
    }

    /**
     * The security protocol of {@link #quorumListenerName()} (PLAINTEXT or SSL), on a controller for its quorum
     * server and clients, on a broker-only node for its clients; PLAINTEXT when no controller name is set.
     */
    public SecurityProtocol controllerSecurityProtocol() {
        return controllerProtocol;
    }

    /** What the network layer binds: one endpoint per listener. */
    public List<Endpoint> endpoints() {
        return bound.stream().map(l -> new Endpoint(l.name(), l.host(), l.port(), protocols.get(l.name()))).toList();
    }
}
