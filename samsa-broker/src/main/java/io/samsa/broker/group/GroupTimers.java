package io.samsa.broker.group;

/** The keys of the coordinator's timers ({@link CoordinatorTimer}): one per group, member or pass. */
final class GroupTimers {
    /** The periodic offset-retention pass (offsets.retention.check.interval.ms). */
    static final String OFFSET_RETENTION = "offset-retention";

    private GroupTimers() {
    }

    /** The group's rebalance timer: the initial delay of an empty group, or the rebalance timeout. */
    static String join(String groupId) {
        return "join/" + groupId;
    }

    /** Members of a new generation that have not sent SyncGroup within the rebalance timeout are removed. */
    static String pendingSync(String groupId) {
        return "sync/" + groupId;
    }

    /** A member's session timeout (the new-member join timeout while it waits for its first answer). */
    static String heartbeat(String groupId, String memberId) {
        return "heartbeat/" + groupId + "/" + memberId;
    }

    /** A member told MEMBER_ID_REQUIRED that does not come back within its session timeout is forgotten. */
    static String pendingMember(String groupId, String memberId) {
        return "pending/" + groupId + "/" + memberId;
    }
}
