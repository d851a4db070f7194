package io.samsa.broker.replica;

/**
 * Told when a partition's offsets move, to wake what waits on them (the purgatories). Called on the thread that
 * moved them — a request handler after an append or a follower fetch — never under a lock of the partition, so
 * an implementation may look at the partition again; it must be quick (enqueue work, compare offsets).
 */
public interface PartitionListener {
    /** The leader's log end offset advanced (an append): wakes follower fetches. */
    void onLogEndAdvanced(PartitionKey partition);

    /** The high watermark advanced: wakes consumer fetches and acks=all produces. */
    void onHighWatermarkAdvanced(PartitionKey partition);

    /**
     * The partition's leader, leader epoch or ISR changed (or it stopped being hosted): wakes every waiter, which
     * re-checks — an acks=all produce of a leader that lost leadership fails, a fetch answers its new error.
     */
    default void onStateChanged(PartitionKey partition) {
        onLogEndAdvanced(partition);
        onHighWatermarkAdvanced(partition);
    }

    PartitionListener NONE = new PartitionListener() {
        @Override
        public void onLogEndAdvanced(PartitionKey partition) {
        }

        @Override
        public void onHighWatermarkAdvanced(PartitionKey partition) {
        }
    };

    /** Tells {@code first}, then {@code second}. */
    static PartitionListener both(PartitionListener first, PartitionListener second) {
        return new PartitionListener() {
            @Override
            public void onLogEndAdvanced(PartitionKey partition) {
                first.onLogEndAdvanced(partition);
                second.onLogEndAdvanced(partition);
            }

            @Override
            public void onHighWatermarkAdvanced(PartitionKey partition) {
                first.onHighWatermarkAdvanced(partition);
                second.onHighWatermarkAdvanced(partition);
            }
        };
    }
}
