package io.samsa.broker.lifecycle;

import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import io.samsa.broker.config.BrokerConfig;
import io.samsa.broker.replica.AlterPartitionSender;
import io.samsa.broker.replica.LeaderAndIsr;
import io.samsa.broker.replica.ReplicationSettings;
import io.samsa.broker.replica.fetcher.BrokerAddresses;
import io.samsa.broker.security.InterBrokerChannels;
import io.samsa.metadata.BrokerRegistrationRecord;
import io.samsa.metadata.ControllerApi;
import io.samsa.metadata.MetadataImage;
import io.samsa.network.client.NetworkIo;

/**
 * What replication needs from the rest of a cluster node: its settings from the configuration, the way a leader
 * sends ISR changes to the active controller (Kafka's AlterPartition, with this broker's epoch), and where a
 * follower finds a leader (its registered endpoint on the inter-broker listener).
 */
public final class ReplicationLinks {
    private ReplicationLinks() {
    }

    /** The {@code replica.*} settings; the response size and socket timeout keep Kafka's defaults. */
    public static ReplicationSettings settings(BrokerConfig config) {
        ReplicationSettings d = ReplicationSettings.DEFAULTS;
        return new ReplicationSettings(config.replicaFetchWaitMaxMs(), config.replicaFetchMinBytes(),
                config.replicaFetchMaxBytes(), d.fetchResponseMaxBytes(), config.replicaFetchBackoffMs(),
                d.socketTimeoutMs(), config.replicaLagTimeMaxMs());
    }

    /** ISR changes of partitions this broker leads, sent to the active controller with the current broker epoch. */
    public static AlterPartitionSender alterPartition(ControllerApi controller, int nodeId, LongSupplier brokerEpoch) {
        return (key, current, isr) -> controller.alterPartition(new ControllerApi.AlterPartition(nodeId,
                        brokerEpoch.getAsLong(), key.topicId(), key.partition(), current.leaderEpoch(),
                        current.partitionEpoch(), isr))
                .thenApply(result -> LeaderAndIsr.of(result.partition()));
    }

    /**
     * A broker's registered endpoint on {@code listener}, as the current image knows it, reached through
     * {@code channels} (the listener's security protocol).
     */
    public static BrokerAddresses addresses(Supplier<MetadataImage> image, String listener,
                                            InterBrokerChannels channels) {
        return new BrokerAddresses() {
            @Override
            public Optional<InetSocketAddress> address(int id) {
                BrokerRegistrationRecord broker = image.get().brokers().get(id);
                return broker == null ? Optional.empty() : broker.endpoints().stream()
                        .filter(e -> e.listener().equals(listener)).findFirst()
                        .map(e -> InetSocketAddress.createUnresolved(e.host(), e.port()));
            }

            @Override
            public NetworkIo newNetworkIo(String clientId, long requestTimeoutMs, long reconnectBackoffMs,
                                          int sendBufferBytes) {
                return channels.newNetworkIo(clientId, requestTimeoutMs, reconnectBackoffMs, sendBufferBytes);
            }
        };
    }
}
