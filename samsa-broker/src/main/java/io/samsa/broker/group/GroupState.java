package io.samsa.broker.group;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The life-cycle of a classic group, with Kafka's state names (as ListGroups and DescribeGroups report
 * them) and the transitions Kafka allows.
 * <pre>
 *   Empty ──join──▶ PreparingRebalance ──all joined / timeout──▶ CompletingRebalance ──leader sync──▶ Stable
 *     ▲                 │   ▲                                          │                                │
 *     └─no members left─┘   └───────── join, leave, session timeout ───┴────────────────────────────────┘
 *   any state ──delete / expiry──▶ Dead
 * </pre>
 */
public enum GroupState {
    EMPTY("Empty"),
    PREPARING_REBALANCE("PreparingRebalance"),
    COMPLETING_REBALANCE("CompletingRebalance"),
    STABLE("Stable"),
    DEAD("Dead");

    private final String kafkaName;

    GroupState(String kafkaName) {
        this.kafkaName = kafkaName;
    }

    /** The name Kafka uses on the wire. */
    public String kafkaName() {
        return kafkaName;
    }

    /** States a group may move to this one from. */
    Set<GroupState> validPreviousStates() {
        return switch (this) {
            case EMPTY -> EnumSet.of(PREPARING_REBALANCE);
            case PREPARING_REBALANCE -> EnumSet.of(STABLE, COMPLETING_REBALANCE, EMPTY);
            case COMPLETING_REBALANCE -> EnumSet.of(PREPARING_REBALANCE);
            case STABLE -> EnumSet.of(COMPLETING_REBALANCE);
            case DEAD -> EnumSet.allOf(GroupState.class);
        };
    }

    /** Parses a Kafka state name, case-insensitively (ListGroups' states filter). */
    public static Optional<GroupState> parse(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (GroupState s : values()) {
            if (s.kafkaName.toLowerCase(Locale.ROOT).equals(n)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
