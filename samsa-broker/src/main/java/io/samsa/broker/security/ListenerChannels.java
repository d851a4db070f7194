package io.samsa.broker.security;

import java.nio.channels.SocketChannel;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

import io.samsa.broker.config.ListenerSecurity;
import io.samsa.network.auth.Authenticator;
import io.samsa.network.auth.JaasConfig;
import io.samsa.network.auth.SaslMechanismServer;
import io.samsa.network.auth.sasl.ApiVersionsResponder;
import io.samsa.network.auth.sasl.PlainServer;
import io.samsa.network.auth.sasl.SaslServerAuthenticator;
import io.samsa.network.auth.sasl.SaslServerMechanisms;
import io.samsa.network.auth.sasl.SaslServerSettings;
import io.samsa.network.auth.scram.ScramCredentialStore;
import io.samsa.network.auth.scram.ScramServer;
import io.samsa.network.server.ChannelBuilder;
import io.samsa.network.server.Endpoint;
import io.samsa.network.server.SslChannelBuilder;
import io.samsa.network.transport.PlaintextTransport;
import io.samsa.network.transport.TransportLayer;
import io.samsa.protocol.ScramMechanism;

/**
 * Makes each listener's {@link ChannelBuilder} from its {@link ListenerSecurity}, as Kafka's four security protocols
 * do: PLAINTEXT (anonymous), SSL (TLS; the principal from the client certificate when there is one), SASL_PLAINTEXT
 * and SASL_SSL (the SASL authenticator over a plaintext or TLS transport). Everything a listener needs is loaded
 * here, at start: a missing keystore, a bad JAAS line or a mechanism Samsa does not serve stops the broker with a
 * message naming the listener. Immutable after construction; {@link #apply} runs once per listener at start.
 */
public final class ListenerChannels implements Function<Endpoint, ChannelBuilder> {
    private final Map<String, ListenerSecurity> listeners;
    private final ScramCredentialStore scram;
    private final ApiVersionsResponder apiVersions;

    public ListenerChannels(Map<String, ListenerSecurity> listeners, ScramCredentialStore scram,
                            ApiVersionsResponder apiVersions) {
        this.listeners = Map.copyOf(listeners);
        this.scram = scram;
        this.apiVersions = apiVersions;
    }

    @Override
    public ChannelBuilder apply(Endpoint endpoint) {
        ListenerSecurity s = listeners.get(endpoint.listenerName());
        if (s == null) {
            throw new IllegalArgumentException("Listener " + endpoint.listenerName() + " has no security settings");
        }
        try {
            return switch (s.protocol()) {
                case PLAINTEXT -> ChannelBuilder.PLAINTEXT;
                case SSL -> SslChannelBuilder.ssl(s.ssl());
                case SASL_PLAINTEXT -> saslPlaintext(s, mechanisms(s));
                case SASL_SSL -> {
                    SaslServerMechanisms mechanisms = mechanisms(s);
                    yield new SslChannelBuilder(s.ssl(), transport -> sasl(transport, mechanisms, s));
                }
            };
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Listener " + endpoint.listenerName() + ": " + e.getMessage(), e);
        }
    }

    private ChannelBuilder saslPlaintext(ListenerSecurity s, SaslServerMechanisms mechanisms) {
        return new ChannelBuilder() {
            @Override
            public TransportLayer transport(SocketChannel socket) {
                return new PlaintextTransport(socket);
            }

            @Override
            public Authenticator authenticator(TransportLayer transport) {
                return sasl(transport, mechanisms, s);
            }
        };
    }

    private Authenticator sasl(TransportLayer transport, SaslServerMechanisms mechanisms, ListenerSecurity s) {
        return new SaslServerAuthenticator(transport, mechanisms, apiVersions, new SaslServerSettings(
                s.saslMaxReceiveSize(), s::maxReauthMs, s.failedAuthenticationDelayMs()));
    }

    /** The servers of the listener's enabled mechanisms; PLAIN's users come from its JAAS line. */
    private SaslServerMechanisms mechanisms(ListenerSecurity s) {
        Map<String, Supplier<? extends SaslMechanismServer>> available = new LinkedHashMap<>();
        for (String name : s.saslMechanisms()) {
            ScramMechanism scramMechanism = ScramMechanism.forName(name);
            if (scramMechanism != null) {
                available.put(name, () -> new ScramServer(scramMechanism, scram));
            } else if (name.equals(PlainServer.MECHANISM)) {
                Map<String, String> users = plainUsers(s);
                available.put(name, () -> new PlainServer(users));
            }
        }
        return new SaslServerMechanisms(s.saslMechanisms(), available);
    }

    private static Map<String, String> plainUsers(ListenerSecurity s) {
        String key = "listener.name." + s.listenerName().toLowerCase(Locale.ROOT) + ".plain.sasl.jaas.config";
        String jaas = s.jaasConfigs().get(PlainServer.MECHANISM);
        if (jaas == null) {
            throw new IllegalArgumentException("PLAIN is enabled but " + key + " is not set; give it the users, e.g. "
                    + "org.apache.kafka.common.security.plain.PlainLoginModule required user_alice=\"alice-secret\";");
        }
        Map<String, String> users = PlainServer.usersFromJaasOptions(JaasConfig.parse(jaas).options());
        if (users.isEmpty()) {
            throw new IllegalArgumentException(key + " names no users (options user_<name>=\"<password>\")");
        }
        return Map.copyOf(users);
    }
}
