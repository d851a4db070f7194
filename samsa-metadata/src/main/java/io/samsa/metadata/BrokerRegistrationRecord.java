package io.samsa.metadata;

import java.util.List;
import java.util.Objects;

import org.apache.kafka.common.Uuid;

/**
 * A broker announces itself: its id, an incarnation id new at every start (so a restarted broker is told
 * apart from its previous life), the endpoints clients reach it on and its rack (null: none).
 */
public record BrokerRegistrationRecord(int brokerId, Uuid incarnationId, List<Endpoint> endpoints, String rack)
        implements MetadataRecord {
    public BrokerRegistrationRecord {
        Objects.requireNonNull(incarnationId, "incarnationId");
        endpoints = List.copyOf(endpoints);
    }

    /** One listener: its name (e.g. PLAINTEXT), security protocol name, advertised host and port. */
    public record Endpoint(String listener, String securityProtocol, String host, int port) {
        public Endpoint {
            Objects.requireNonNull(listener, "listener");
            Objects.requireNonNull(securityProtocol, "securityProtocol");
            Objects.requireNonNull(host, "host");
        }
    }
}
