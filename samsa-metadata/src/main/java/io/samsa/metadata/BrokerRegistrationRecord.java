package io.samsa.metadata;

import java.util.List;
import java.util.Objects;

import org.apache.kafka.common.Uuid;

/**
 * A broker announces itself: its id, an incarnation id new at every start (so a restarted broker is told
 * apart from its previous life), the endpoints clients reach it on and its rack (null: none). As Kafka's
 * {@code RegisterBrokerRecord}, a cluster registration starts {@code fenced} (no leaderships, not placed on)
 * until its first heartbeat after it caught up with the metadata ({@link UnfenceBrokerRecord}).
 * <p>
 * {@code brokerEpoch} tells this life of the broker apart; {@link #NEW_EPOCH} (what the controller writes) means
 * "the offset this record is committed at", which only the apply knows (a Ratis log index is assigned at commit).
 * The image holds the resolved epoch, and a snapshot writes it explicitly. The image's copy of a registration
 * also carries the current fenced state (fence and unfence records replace it).
 */
public record BrokerRegistrationRecord(int brokerId, Uuid incarnationId, List<Endpoint> endpoints, String rack,
                                       long brokerEpoch, boolean fenced) implements MetadataRecord {
    /** The epoch is the commit offset of the batch carrying the record. */
    public static final long NEW_EPOCH = -1;

    public BrokerRegistrationRecord {
        Objects.requireNonNull(incarnationId, "incarnationId");
        endpoints = List.copyOf(endpoints);
    }

    /** A single node's own registration: unfenced at once (nobody else could place or lead anything). */
    public BrokerRegistrationRecord(int brokerId, Uuid incarnationId, List<Endpoint> endpoints, String rack) {
        this(brokerId, incarnationId, endpoints, rack, NEW_EPOCH, false);
    }

    BrokerRegistrationRecord withEpoch(long epoch) {
        return new BrokerRegistrationRecord(brokerId, incarnationId, endpoints, rack, epoch, fenced);
    }

    BrokerRegistrationRecord withFenced(boolean fenced) {
        return new BrokerRegistrationRecord(brokerId, incarnationId, endpoints, rack, brokerEpoch, fenced);
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
