package io.samsa.metadata;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

import org.apache.kafka.common.config.ConfigResource;

/**
 * The cluster metadata as of the record at {@code offset} (-1: none yet): immutable, so any thread may read
 * it without a lock, and the next image shares every part that did not change (see {@link MetadataDelta}).
 *
 * @param nextProducerId the producer-id high mark: no id at or above it has been handed out
 * @param brokers every registered broker as of now: its registration with the resolved broker epoch and
 *                whether it is fenced
 * @param scram   the users' SCRAM credentials
 * @param acls    the ACL bindings
 * @param quotas  the client quotas
 */
public record MetadataImage(long offset, TopicsImage topics, ConfigsImage configs, long nextProducerId,
                            Map<Integer, BrokerRegistrationRecord> brokers, ScramImage scram,
                            AclsImage acls, ClientQuotasImage quotas) {
    public static final MetadataImage EMPTY = new MetadataImage(-1, TopicsImage.EMPTY, ConfigsImage.EMPTY, 0,
            Map.of(), ScramImage.EMPTY, AclsImage.EMPTY, ClientQuotasImage.EMPTY);

    public MetadataImage {
        brokers = Map.copyOf(brokers);
    }

    /** This image with its offset moved (a batch that changed nothing, or was rejected whole). */
    public MetadataImage atOffset(long newOffset) {
        return new MetadataImage(newOffset, topics, configs, nextProducerId, brokers, scram, acls, quotas);
    }

    /** The broker's registration (epoch, fenced state), or null if it never registered. */
    public BrokerRegistrationRecord broker(int brokerId) {
        return brokers.get(brokerId);
    }

    /** Whether the broker is registered and not fenced: it may lead and be placed on. */
    public boolean isUnfenced(int brokerId) {
        BrokerRegistrationRecord b = brokers.get(brokerId);
        return b != null && !b.fenced();
    }

    /** The registered, unfenced brokers in id order. */
    public SortedSet<Integer> unfencedBrokers() {
        SortedSet<Integer> ids = new TreeSet<>();
        brokers.values().forEach(b -> {
            if (!b.fenced()) {
                ids.add(b.brokerId());
            }
        });
        return ids;
    }

    /** Records that rebuild this image from {@link #EMPTY}: what a snapshot holds. */
    public List<MetadataRecord> toRecords() {
        List<MetadataRecord> records = new ArrayList<>();
        brokers.values().forEach(records::add); // resolved epochs and fenced state: written explicitly
        for (TopicImage t : topics.all()) {
            records.add(new TopicRecord(t.name(), t.id()));
            records.addAll(t.partitions().values());
        }
        for (Map.Entry<ConfigResource, Map<String, String>> e : configs.byResource().entrySet()) {
            e.getValue().forEach((k, v) -> records.add(
                    new ConfigRecord(e.getKey().type(), e.getKey().name(), k, v)));
        }
        scram.byUser().values().forEach(byMechanism -> records.addAll(byMechanism.values()));
        records.addAll(acls.all());
        quotas.byEntity().forEach((entity, values) ->
                values.forEach((key, value) -> records.add(ClientQuotaRecord.set(entity, key, value))));
        if (nextProducerId > 0) {
            // The high mark is all a replay needs: a one-id block ending at it (broker -1: no owner).
            records.add(new ProducerIdsRecord(-1, nextProducerId - 1, 1));
        }
        return records;
    }
}
