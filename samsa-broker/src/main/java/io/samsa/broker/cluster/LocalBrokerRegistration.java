package io.samsa.broker.cluster;

import java.util.Collection;
import java.util.List;
import java.util.function.Function;

import org.apache.kafka.common.Uuid;

import io.samsa.broker.config.Listener;
import io.samsa.metadata.BrokerRegistrationRecord;
import io.samsa.metadata.ControllerApi.BrokerRegistration;
import io.samsa.network.auth.SecurityProtocol;

/**
 * This broker's registration for one start: a new incarnation id, one endpoint per advertised broker listener
 * (clients are answered on the listener they used, so every listener must be known to every broker) and
 * {@code broker.rack}. Controller listeners are not broker endpoints (Kafka leaves them out): pass only the others.
 */
public final class LocalBrokerRegistration {
    private LocalBrokerRegistration() {
    }

    public static BrokerRegistration of(int nodeId, Collection<Listener> advertised,
                                        Function<String, SecurityProtocol> protocolOf, String rack) {
        List<BrokerRegistrationRecord.Endpoint> endpoints = advertised.stream()
                .map(l -> new BrokerRegistrationRecord.Endpoint(l.name(), protocolOf.apply(l.name()).name(),
                        l.host(), l.port()))
                .toList();
        return new BrokerRegistration(nodeId, Uuid.randomUuid(), endpoints, rack);
    }
}
