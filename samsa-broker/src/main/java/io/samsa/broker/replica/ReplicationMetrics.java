package io.samsa.broker.replica;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of ISR changes this broker made as a leader (Kafka's {@code IsrShrinksPerSec}/{@code IsrExpandsPerSec},
 * as totals): counted when the controller committed the change; and of the consumer fetches this broker served as
 * a follower (fetch from follower, KIP-392): partition reads answered and the record bytes they returned.
 * Thread-safe.
 */
public final class ReplicationMetrics {
    private final AtomicLong isrShrinks = new AtomicLong();
    private final AtomicLong isrExpands = new AtomicLong();
    private final LongAdder followerFetches = new LongAdder();
    private final LongAdder followerFetchBytes = new LongAdder();

    void recordShrink() {
        isrShrinks.incrementAndGet();
    }

    void recordExpand() {
        isrExpands.incrementAndGet();
    }

    /** A consumer's fetch of {@code partitions} partitions was answered by this node as their follower. */
    public void recordFollowerFetch(int partitions, long bytes) {
        followerFetches.add(partitions);
        followerFetchBytes.add(bytes);
    }

    public long isrShrinks() {
        return isrShrinks.get();
    }

    public long isrExpands() {
        return isrExpands.get();
    }

    /** Consumer partition fetches answered as follower (an empty long poll counts too). */
    public long followerFetches() {
        return followerFetches.sum();
    }

    /** Record bytes returned to consumers as follower. */
    public long followerFetchBytes() {
        return followerFetchBytes.sum();
    }
}
