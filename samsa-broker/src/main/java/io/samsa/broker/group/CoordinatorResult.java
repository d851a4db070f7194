package io.samsa.broker.group;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.protocol.Errors;

/**
 * What one coordinator operation decided: the records to write, what to do once they are committed (or the
 * write failed), and the response. The operation itself changes no persisted state (offsets, the group record,
 * a group's existence): {@link CoordinatorRuntime} replays the records into the state once the log says they are
 * committed ({@link GroupStore#replay}, the same path that loads the log at start), then runs the commit
 * actions and computes the response; after a failed write it runs the failure actions instead, so nothing has to
 * be rolled back. An operation without records is answered at once. Built and consumed on the coordinator thread.
 *
 * @param <T> the response (a future for JoinGroup and SyncGroup answers held until a rebalance completes)
 */
final class CoordinatorResult<T> {
    private final List<GroupMetadataRecord> records;
    private final Transaction transaction;
    private final Marker marker;
    private final List<Runnable> onCommit;
    private final List<Consumer<Throwable>> onFailure;
    private final Supplier<T> response;
    private final Function<Throwable, T> failureResponse;

    private CoordinatorResult(Builder b, Supplier<T> response, Function<Throwable, T> failureResponse) {
        this(List.copyOf(b.records), b.transaction, b.marker, List.copyOf(b.onCommit), List.copyOf(b.onFailure),
                response, failureResponse);
    }

    private CoordinatorResult(List<GroupMetadataRecord> records, Transaction transaction, Marker marker,
                              List<Runnable> onCommit, List<Consumer<Throwable>> onFailure, Supplier<T> response,
                              Function<Throwable, T> failureResponse) {
        this.records = records;
        this.transaction = transaction;
        this.marker = marker;
        this.onCommit = onCommit;
        this.onFailure = onFailure;
        this.response = response;
        this.failureResponse = failureResponse;
    }

    /** The same writes, answering nothing (a timer's operation has nobody to answer). */
    CoordinatorResult<Void> withoutResponse() {
        return new CoordinatorResult<>(records, transaction, marker, onCommit, onFailure, () -> {
            response.get();
            return null;
        }, e -> {
            failureResponse.apply(e);
            return null;
        });
    }

    /** A read, or a change of volatile state only: no records, answered at once. */
    static <T> CoordinatorResult<T> of(T response) {
        return new Builder().respond(() -> response);
    }

    /**
     * The error a client is told when a write failed: a Kafka error the log reported (e.g. NOT_COORDINATOR once
     * leadership moves), else COORDINATOR_NOT_AVAILABLE, which clients retry. One mapping for every operation.
     */
    static Errors writeError(Throwable failure) {
        Throwable e = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        return e instanceof ApiException ? Errors.forException(e) : Errors.COORDINATOR_NOT_AVAILABLE;
    }

    List<GroupMetadataRecord> records() {
        return records;
    }

    /** The producer transaction the records are part of (TxnOffsetCommit), or null. */
    Transaction transaction() {
        return transaction;
    }

    /** The transaction marker to write instead of records, or null. */
    Marker marker() {
        return marker;
    }

    /** Whether there is anything to write. */
    boolean writes() {
        return !records.isEmpty() || marker != null;
    }

    /** A producer's transaction: its records count once its COMMIT marker follows them. */
    record Transaction(long producerId, short producerEpoch) {
    }

    /** A transaction marker the transaction coordinator asks this partition's leader to write. */
    record Marker(long producerId, short producerEpoch, boolean commit, int coordinatorEpoch) {
    }

    /** The records are committed and replayed: runs the commit actions, then answers. */
    T committed() {
        onCommit.forEach(Runnable::run);
        return response.get();
    }

    /** The write failed: runs the failure actions, then answers. */
    T failed(Throwable error) {
        onFailure.forEach(a -> a.accept(error));
        return failureResponse.apply(error);
    }

    /**
     * Collects the writes of one operation as it runs; helpers deep in a rebalance add theirs to the same
     * builder, so one operation makes one write.
     */
    static final class Builder {
        private final List<GroupMetadataRecord> records = new ArrayList<>();
        private Transaction transaction;
        private Marker marker;
        private final List<Runnable> onCommit = new ArrayList<>();
        private final List<Consumer<Throwable>> onFailure = new ArrayList<>();

        /** Writes {@code toWrite}; once committed runs {@code committed}, after a failure {@code failed}. */
        Builder write(List<? extends GroupMetadataRecord> toWrite, Runnable committed, Consumer<Throwable> failed) {
            records.addAll(toWrite);
            onCommit.add(committed);
            onFailure.add(failed);
            return this;
        }

        /** The records are written as part of the producer's transaction ({@link #transaction()}). */
        Builder inTransaction(Transaction txn) {
            this.transaction = txn;
            return this;
        }

        /** Writes a transaction marker (and no records); once committed runs {@code committed}. */
        Builder writeMarker(Marker toWrite, Runnable committed, Consumer<Throwable> failed) {
            marker = toWrite;
            onCommit.add(committed);
            onFailure.add(failed);
            return this;
        }

        boolean hasRecords() {
            return !records.isEmpty();
        }

        /** The same response whether the writes (if any) commit or fail (their failure actions report it). */
        <T> CoordinatorResult<T> respond(Supplier<T> response) {
            return new CoordinatorResult<>(this, response, e -> response.get());
        }

        /** A response that depends on the write: {@code committed} after commit, {@code failed} after a failure. */
        <T> CoordinatorResult<T> respond(Supplier<T> committed, Function<Throwable, T> failed) {
            return new CoordinatorResult<>(this, committed, failed);
        }
    }
}
