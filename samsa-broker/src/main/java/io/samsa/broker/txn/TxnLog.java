package io.samsa.broker.txn;

import java.io.IOException;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * This broker's replicas of the transaction log partitions ({@code __transaction_state}), as the coordinator uses
 * them: replay a partition's records to load it, append one record as its leader (completes once committed, as the
 * group coordinator's writes do). Implemented by the broker over its replica manager; thread-safe.
 */
public interface TxnLog {
    /** Every record of the local replica of {@code partition}, in log order (the newest per id last). */
    void replay(int partition, Consumer<TxnRecord> visitor) throws IOException;

    /**
     * Appends {@code record} as leader of {@code partition} at {@code leaderEpoch} (acks=all); fails with
     * NotCoordinatorException when this broker no longer leads it at that epoch.
     */
    CompletionStage<Void> append(int partition, int leaderEpoch, TxnRecord record);
}
