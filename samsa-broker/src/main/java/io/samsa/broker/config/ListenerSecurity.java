package io.samsa.broker.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.common.config.ConfigException;

import io.samsa.network.auth.SecurityProtocol;
import io.samsa.network.server.Endpoint;

/**
 * One listener's security settings with Kafka's key names and precedence: a key under the listener's prefix
 * {@code listener.name.<name>.} (lower-case name) wins over the same key without it. {@code ssl.*} for SSL and
 * SASL_SSL listeners; for SASL listeners {@code sasl.enabled.mechanisms} and one
 * {@code listener.name.<name>.<mechanism>.sasl.jaas.config} per mechanism that needs one (PLAIN: its
 * {@code user_<name>="<password>"} options). Values are kept out of the logged effective config: they hold
 * passwords. Immutable.
 *
 * @param ssl                the {@code ssl.*} keys in force for this listener, unprefixed
 * @param saslMechanisms     enabled SASL mechanisms (empty on a listener without SASL)
 * @param jaasConfigs        the JAAS line per mechanism name, where one is set
 * @param saslMaxReceiveSize {@code sasl.server.max.receive.size}: the largest SASL frame read before authentication
 * @param maxReauthMs        {@code connections.max.reauth.ms} per enabled mechanism (KIP-368; Kafka's key, also as
 *                           {@code listener.name.<name>.<mechanism>.connections.max.reauth.ms}): how long a SASL
 *                           session lasts before the client must re-authenticate; 0 = for ever
 * @param failedAuthenticationDelayMs {@code connection.failed.authentication.delay.ms} (Kafka's key and default,
 *                           100): a failed login is answered, and its connection closed, only after this long
 */
public record ListenerSecurity(String listenerName, SecurityProtocol protocol, Map<String, String> ssl,
                               List<String> saslMechanisms, Map<String, String> jaasConfigs, int saslMaxReceiveSize,
                               Map<String, Long> maxReauthMs, long failedAuthenticationDelayMs) {
    /** Kafka's {@code connections.max.reauth.ms}. */
    static final String MAX_REAUTH_MS = "connections.max.reauth.ms";
    /** Kafka's default for {@code sasl.enabled.mechanisms}; Samsa has no GSSAPI (Kerberos), so it must be set. */
    static final String KAFKA_DEFAULT_MECHANISMS = "GSSAPI";

    public ListenerSecurity {
        ssl = Map.copyOf(ssl);
        saslMechanisms = List.copyOf(saslMechanisms);
        jaasConfigs = Map.copyOf(jaasConfigs);
        maxReauthMs = Map.copyOf(maxReauthMs);
    }

    /** The session lifetime of a client authenticated with the mechanism, in ms; 0 = no re-authentication. */
    public long maxReauthMs(String mechanism) {
        return maxReauthMs.getOrDefault(mechanism, 0L);
    }

    public boolean usesSsl() {
        return protocol == SecurityProtocol.SSL || protocol == SecurityProtocol.SASL_SSL;
    }

    public boolean usesSasl() {
        return protocol == SecurityProtocol.SASL_PLAINTEXT || protocol == SecurityProtocol.SASL_SSL;
    }

    /** The settings of every broker listener, by listener name. */
    static Map<String, ListenerSecurity> read(ConfigReader r, List<Endpoint> endpoints) {
        Map<String, ListenerSecurity> out = new LinkedHashMap<>();
        for (Endpoint e : endpoints) {
            out.put(e.listenerName(), readOne(r, e));
        }
        // Prefixed keys of listeners that do not exist are still Kafka keys: not "unknown", just unused.
        r.keysStartingWith("listener.name.").forEach(r::accept);
        r.keysStartingWith("ssl.").forEach(r::accept);
        r.keysStartingWith("sasl.").forEach(r::accept);
        r.keysStartingWith(MAX_REAUTH_MS).forEach(r::accept);
        return out;
    }

    /**
     * The settings of the metadata quorum's listener ({@link Listeners#quorumListenerName()}), which the socket
     * server does not bind; only its {@code ssl.*} keys matter (no SASL on the quorum).
     */
    static ListenerSecurity readQuorum(ConfigReader r, String listenerName, SecurityProtocol protocol) {
        return readOne(r, new Endpoint(listenerName, "", 0, protocol));
    }

    private static ListenerSecurity readOne(ConfigReader r, Endpoint e) {
        String prefix = "listener.name." + e.listenerName().toLowerCase(Locale.ROOT) + ".";
        Map<String, String> ssl = new TreeMap<>();
        for (String key : r.keysStartingWith("ssl.")) {
            putIfSet(ssl, key, r.secret(key));
        }
        for (String key : r.keysStartingWith(prefix + "ssl.")) {
            putIfSet(ssl, key.substring(prefix.length()), r.secret(key));
        }
        List<String> mechanisms = new ArrayList<>();
        Map<String, String> jaas = new TreeMap<>();
        Map<String, Long> maxReauth = new TreeMap<>();
        boolean sasl = e.securityProtocol() == SecurityProtocol.SASL_PLAINTEXT
                || e.securityProtocol() == SecurityProtocol.SASL_SSL;
        if (sasl) {
            String key = r.has(prefix + "sasl.enabled.mechanisms") ? prefix + "sasl.enabled.mechanisms"
                    : "sasl.enabled.mechanisms";
            String value = r.string(key, KAFKA_DEFAULT_MECHANISMS);
            for (String m : value.split(",")) {
                if (!m.isBlank()) {
                    mechanisms.add(m.trim().toUpperCase(Locale.ROOT));
                }
            }
            if (mechanisms.isEmpty() || mechanisms.contains("GSSAPI") || mechanisms.contains("OAUTHBEARER")) {
                throw new ConfigException(key, value, "listener " + e.listenerName() + ": Samsa serves PLAIN, "
                        + "SCRAM-SHA-256 and SCRAM-SHA-512 (not GSSAPI or OAUTHBEARER); set " + key
                        + " to those you want, e.g. SCRAM-SHA-512");
            }
            for (String m : mechanisms) {
                String jaasKey = prefix + m.toLowerCase(Locale.ROOT) + ".sasl.jaas.config";
                putIfSet(jaas, m, r.secret(jaasKey));
                String reauthKey = prefix + m.toLowerCase(Locale.ROOT) + "." + MAX_REAUTH_MS;
                maxReauth.put(m, r.longValue(r.has(reauthKey) ? reauthKey : MAX_REAUTH_MS, 0, 0, Long.MAX_VALUE));
            }
        }
        int maxReceive = r.intValue("sasl.server.max.receive.size", 524288, 1, Integer.MAX_VALUE);
        long failureDelay = r.longValue("connection.failed.authentication.delay.ms", 100, 0, Long.MAX_VALUE);
        return new ListenerSecurity(e.listenerName(), e.securityProtocol(), ssl, mechanisms, jaas, maxReceive,
                maxReauth, failureDelay);
    }

    private static void putIfSet(Map<String, String> map, String key, String value) {
        if (value != null) {
            map.put(key, value);
        }
    }
}
