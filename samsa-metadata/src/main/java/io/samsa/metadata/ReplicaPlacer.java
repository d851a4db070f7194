package io.samsa.metadata;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.apache.kafka.common.errors.InvalidReplicationFactorException;

/**
 * Rack-aware round-robin placement, after Kafka's {@code StripedReplicaPlacer}: the usable brokers are striped
 * across racks (the first broker of each rack, then the second of each, ...; a broker without a rack is in the
 * "no rack" rack), partition {@code p} starts at stripe position {@code p} — so leaders rotate over the brokers —
 * and each further replica is the next broker in the stripe whose rack this partition does not have yet (once
 * every rack has one, simply the next unused broker). Deterministic, so a test can state the exact placement.
 */
final class ReplicaPlacer {
    /** A broker that may be placed on. */
    record Broker(int id, String rack) {
    }

    private final List<Broker> stripe;

    ReplicaPlacer(Collection<Broker> usable) {
        Map<String, List<Broker>> byRack = new TreeMap<>();
        usable.stream().sorted((a, b) -> Integer.compare(a.id(), b.id()))
                .forEach(b -> byRack.computeIfAbsent(b.rack() == null ? "" : b.rack(), r -> new ArrayList<>()).add(b));
        stripe = new ArrayList<>(usable.size());
        for (int i = 0; stripe.size() < usable.size(); i++) {
            for (List<Broker> rack : byRack.values()) {
                if (i < rack.size()) {
                    stripe.add(rack.get(i));
                }
            }
        }
    }

    /** Replicas of partitions {@code [first, first + count)}; the first of each list is its leader. */
    List<List<Integer>> place(int first, int count, int replicationFactor) {
        checkReplicationFactor(replicationFactor, stripe.size());
        List<List<Integer>> placements = new ArrayList<>(count);
        for (int p = first; p < first + count; p++) {
            placements.add(placeOne(p, replicationFactor));
        }
        return placements;
    }

    /** Kafka's checks and messages (ReplicationControlManager, StripedReplicaPlacer). */
    static void checkReplicationFactor(int replicationFactor, int usableBrokers) {
        if (replicationFactor < 1) {
            throw new InvalidReplicationFactorException(
                    "Replication factor must be larger than 0, or -1 to use the default value.");
        }
        if (usableBrokers == 0) {
            throw new InvalidReplicationFactorException("All brokers are currently fenced.");
        }
        if (replicationFactor > usableBrokers) {
            throw new InvalidReplicationFactorException("Unable to replicate the partition " + replicationFactor
                    + " time(s): The target replication factor of " + replicationFactor
                    + " cannot be reached because only " + usableBrokers + " broker(s) are registered.");
        }
    }

    private List<Integer> placeOne(int partition, int replicationFactor) {
        int n = stripe.size();
        int start = partition % n;
        List<Integer> replicas = new ArrayList<>(replicationFactor);
        Set<String> racks = new HashSet<>();
        Set<Integer> used = new HashSet<>();
        long rackCount = stripe.stream().map(Broker::rack).distinct().count();
        int cursor = start;
        while (replicas.size() < replicationFactor) {
            boolean needNewRack = racks.size() < rackCount;
            for (int step = 0; step < n; step++) {
                Broker b = stripe.get((cursor + step) % n);
                if (used.contains(b.id()) || (needNewRack && racks.contains(String.valueOf(b.rack())))) {
                    continue;
                }
                replicas.add(b.id());
                used.add(b.id());
                racks.add(String.valueOf(b.rack()));
                cursor = (cursor + step + 1) % n;
                break;
            }
        }
        return List.copyOf(replicas);
    }
}
