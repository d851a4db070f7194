package io.samsa.broker.replica.fetcher;

import io.samsa.log.EpochEndOffset;

/**
 * Where a follower truncates when the leader says its tail diverges (Kafka's
 * {@code AbstractFetcherThread.getOffsetTruncationState}). The leader named the largest epoch it shares with the
 * follower's last fetched one and where that epoch ended in the leader's log; the follower looks the same epoch up
 * in its own leader-epoch cache:
 * <ul>
 *   <li>it knows no such epoch (or none at all): truncate to the leader's end offset;</li>
 *   <li>its largest epoch at or below is an older one: truncate to where that one ends here — the next fetch
 *       names it and the leader answers again, until both agree;</li>
 *   <li>it knows the same epoch: truncate to the smaller of the two end offsets.</li>
 * </ul>
 * Never above the follower's log end. Stateless.
 */
final class TruncationRule {
    private TruncationRule() {
    }

    static long truncationOffset(EpochEndOffset leaders, EpochEndOffset followers, long followerLogEnd) {
        if (followers.leaderEpoch() == EpochEndOffset.UNDEFINED_EPOCH
                || followers.endOffset() == EpochEndOffset.UNDEFINED_EPOCH_OFFSET) {
            return Math.min(leaders.endOffset(), followerLogEnd);
        }
        if (followers.leaderEpoch() != leaders.leaderEpoch()) {
            return Math.min(followers.endOffset(), followerLogEnd);
        }
        return Math.min(Math.min(followers.endOffset(), leaders.endOffset()), followerLogEnd);
    }
}
