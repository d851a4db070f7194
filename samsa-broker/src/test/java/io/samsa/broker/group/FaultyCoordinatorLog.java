package io.samsa.broker.group;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A {@link CoordinatorLog} that fails its next appends on demand (as a full disk or a lost leadership would)
 * and otherwise writes to the real one; it counts what it refused, so a test can tell a refused write from one
 * that was never attempted.
 */
final class FaultyCoordinatorLog implements CoordinatorLog {
    private final CoordinatorLog delegate;
    private int failuresLeft;
    private final List<List<GroupMetadataRecord>> refused = new ArrayList<>();

    FaultyCoordinatorLog(CoordinatorLog delegate) {
        this.delegate = delegate;
    }

    /** The next {@code n} appends fail. */
    void failNextAppends(int n) {
        failuresLeft = n;
    }

    List<List<GroupMetadataRecord>> refused() {
        return refused;
    }

    @Override
    public CompletionStage<Long> append(List<GroupMetadataRecord> records) {
        if (failuresLeft > 0) {
            failuresLeft--;
            refused.add(List.copyOf(records));
            return CompletableFuture.failedFuture(new IOException("Injected append failure"));
        }
        return delegate.append(records);
    }

    @Override
    public CompletionStage<Long> appendTransactional(List<GroupMetadataRecord> records, long producerId,
                                                     short producerEpoch) {
        return delegate.appendTransactional(records, producerId, producerEpoch);
    }

    @Override
    public CompletionStage<Long> appendMarker(long producerId, short producerEpoch, boolean commit,
                                              int coordinatorEpoch) {
        return delegate.appendMarker(producerId, producerEpoch, commit, coordinatorEpoch);
    }

    @Override
    public void replay(Visitor visitor) throws IOException {
        delegate.replay(visitor);
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }
}
