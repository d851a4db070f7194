package io.samsa.metadata;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * Leader election and ISR changes, as full {@link PartitionRecord} replacements (Kafka's
 * {@code PartitionChangeBuilder}): every change bumps the partition epoch by one, a change of leader (to -1 too)
 * also the leader epoch. Pure functions of an image; {@code eligible} says who may lead (registered, unfenced,
 * not shutting down, not being fenced in this very batch).
 * <p>
 * The ISR never shrinks below one member (Kafka's last-ISR-member rule, KIP-841): when every ISR member is
 * ineligible the leader is -1 and the ISR keeps the last one, who is the only safe leader once it is back —
 * unless {@code unclean.leader.election.enable} lets an out-of-sync replica lead (with an ISR of itself).
 */
final class PartitionChanges {
    private PartitionChanges() {
    }

    /** The record with this leader and ISR, or null if that is what it already states. */
    static PartitionRecord change(PartitionRecord old, int leader, List<Integer> isr) {
        if (old.leader() == leader && old.isr().equals(isr)) {
            return null;
        }
        int leaderEpoch = old.leader() == leader ? old.leaderEpoch() : old.leaderEpoch() + 1;
        return new PartitionRecord(old.topicId(), old.partition(), old.replicas(), isr, leader, leaderEpoch,
                old.partitionEpoch() + 1);
    }

    /**
     * {@code leaving} brokers are fenced or shutting down: they lose every leadership (to an eligible ISR member,
     * else -1) and leave every ISR that keeps another member.
     */
    static List<PartitionRecord> removeBrokers(MetadataImage image, Collection<Integer> leaving,
                                               IntPredicate eligible, boolean unclean) {
        List<PartitionRecord> changes = new ArrayList<>();
        for (TopicImage t : image.topics().all()) {
            for (PartitionRecord p : t.partitions().values()) {
                boolean touched = leaving.contains(p.leader()) || p.isr().stream().anyMatch(leaving::contains);
                if (!touched) {
                    continue;
                }
                List<Integer> isr = new ArrayList<>(p.isr());
                leaving.stream().sorted().forEach(b -> {
                    if (isr.size() > 1) {
                        isr.remove(b);
                    }
                });
                int leader = p.leader();
                if (leader == -1 || leaving.contains(leader)) {
                    leader = -1;
                    PartitionRecord elected = elect(p, isr, eligible, unclean);
                    if (elected != null) {
                        changes.add(elected);
                        continue;
                    }
                }
                add(changes, change(p, leader, isr));
            }
        }
        return changes;
    }

    /** Partitions without a leader get one where an eligible replica may lead now (after an unfence). */
    static List<PartitionRecord> electLeaderless(MetadataImage image, IntPredicate eligible, boolean unclean) {
        List<PartitionRecord> changes = new ArrayList<>();
        for (TopicImage t : image.topics().all()) {
            for (PartitionRecord p : t.partitions().values()) {
                if (p.leader() == -1) {
                    add(changes, elect(p, p.isr(), eligible, unclean));
                }
            }
        }
        return changes;
    }

    /** The first replica leads again where it is eligible, in the ISR and not the leader. */
    static List<PartitionRecord> preferredLeaders(MetadataImage image, IntPredicate eligible) {
        List<PartitionRecord> changes = new ArrayList<>();
        for (TopicImage t : image.topics().all()) {
            for (PartitionRecord p : t.partitions().values()) {
                int preferred = p.replicas().isEmpty() ? -1 : p.replicas().get(0);
                if (preferred != -1 && p.leader() != preferred && p.isr().contains(preferred)
                        && eligible.test(preferred)) {
                    add(changes, change(p, preferred, p.isr()));
                }
            }
        }
        return changes;
    }

    /** A leader from {@code isr} (or, unclean, from the replicas), or null if nobody may lead. */
    private static PartitionRecord elect(PartitionRecord p, List<Integer> isr, IntPredicate eligible,
                                         boolean unclean) {
        for (int b : isr) {
            if (eligible.test(b)) {
                return change(p, b, isr);
            }
        }
        if (unclean) {
            for (int b : p.replicas()) {
                if (eligible.test(b)) {
                    return change(p, b, List.of(b));
                }
            }
        }
        return isr.equals(p.isr()) && p.leader() == -1 ? null : change(p, -1, isr);
    }

    private static void add(List<PartitionRecord> changes, PartitionRecord r) {
        if (r != null) {
            changes.add(r);
        }
    }
}
