package io.samsa.metadata.quorum;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

import io.samsa.metadata.MetadataImage;
import io.samsa.metadata.MetadataRecord;
import org.apache.ratis.protocol.Message;

/**
 * What a voter serves to the metadata quorum's observers (broker-only nodes, which follow the quorum without
 * voting, as KRaft's brokers do): the batches it committed recently, kept in memory in offset order, and its image
 * for an observer that is further behind than they reach. A request names the offset the observer has; one
 * with nothing newer waits (a long poll) until a batch commits or {@code maxWaitMs} passes, so observers learn a
 * change as soon as this voter applies it without polling often.
 * <p>
 * Every committed batch is kept, rejected ones too: an observer applies them through the same
 * {@code MetadataStateMachine} and rejects them alike. At most {@link #MAX_RECORDS} records are kept; older
 * batches are dropped first. Any voter serves (a stale read), so an observer keeps learning from the others
 * while the leader is frozen; each answer names the leader the serving voter knows. The observers that asked
 * recently are listed in the quorum's status, as KRaft's DescribeQuorum lists its observers.
 * <p>
 * Threads: {@link #committed} and {@link #reset} on Ratis's state-machine updater thread, {@link #serve} on gRPC
 * threads, timeouts on the shared {@code timer}; all state is guarded by this.
 */
final class MetadataFeed {
    /** Records kept for observers that are behind; past this, they get the image instead. */
    static final int MAX_RECORDS = 20_000;

    private record Batch(List<MetadataRecord> records, long lastOffset) {
    }

    private record Waiter(long fromOffset, CompletableFuture<Message> reply) {
    }

    /** An observer's last request here: the offset it had, when, and when it last had everything. */
    private record Seen(long offset, long fetchMs, long caughtUpMs) {
    }

    /** Observers that asked within this long are listed in the quorum's status. */
    static final long OBSERVER_EXPIRY_MS = 30_000;

    private final Supplier<MetadataImage> image;
    private final IntSupplier leaderId;
    private final ScheduledExecutorService timer;
    private final ArrayDeque<Batch> batches = new ArrayDeque<>();
    private final List<Waiter> waiters = new ArrayList<>();
    private final Map<Integer, Seen> observers = new TreeMap<>();
    private int records;
    /** The offset the first kept batch follows: an observer at or past it can be served from the batches. */
    private long startOffset = -1;
    private long lastOffset = -1;

    /**
     * @param image this voter's image (published before {@link #committed} is called for its batch)
     * @param leaderId the quorum leader this voter knows, -1 while there is none
     */
    MetadataFeed(Supplier<MetadataImage> image, IntSupplier leaderId, ScheduledExecutorService timer) {
        this.image = image;
        this.leaderId = leaderId;
        this.timer = timer;
    }

    /**
     * The image was replaced wholesale (the snapshot replayed at start, or one installed from the leader): the
     * batches kept no longer lead to it. Also called at start without a snapshot ({@code offset} -1).
     */
    synchronized void reset(long offset) {
        batches.clear();
        records = 0;
        startOffset = offset;
        lastOffset = offset;
        answerWaiters();
    }

    /** A batch was applied (or rejected) at {@code lastOffset}; answers the observers waiting for it. */
    synchronized void committed(List<MetadataRecord> batch, long offset) {
        batches.addLast(new Batch(batch, offset));
        records += batch.size();
        lastOffset = offset;
        while (records > MAX_RECORDS && batches.size() > 1) {
            Batch dropped = batches.removeFirst();
            records -= dropped.records().size();
            startOffset = dropped.lastOffset();
        }
        answerWaiters();
    }

    /** Answers at once when something after {@code fromOffset} is known, else once it is or after {@code maxWaitMs}. */
    synchronized CompletableFuture<Message> serve(int observerId, long fromOffset, long maxWaitMs) {
        long now = System.currentTimeMillis();
        Seen before = observers.get(observerId);
        long caughtUp = fromOffset >= lastOffset ? now : before == null ? -1 : before.caughtUpMs();
        observers.put(observerId, new Seen(fromOffset, now, caughtUp));
        if (lastOffset > fromOffset || fromOffset < startOffset) {
            return CompletableFuture.completedFuture(answer(fromOffset));
        }
        Waiter waiter = new Waiter(fromOffset, new CompletableFuture<>());
        waiters.add(waiter);
        timer.schedule(() -> expire(waiter), maxWaitMs, TimeUnit.MILLISECONDS);
        return waiter.reply();
    }

    private synchronized void expire(Waiter waiter) {
        if (waiters.remove(waiter)) {
            waiter.reply().complete(answer(waiter.fromOffset()));
        }
    }

    private void answerWaiters() {
        for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
            Waiter w = it.next();
            if (lastOffset > w.fromOffset()) {
                it.remove();
                w.reply().complete(answer(w.fromOffset()));
            }
        }
    }

    /**
     * The observers that asked within {@link #OBSERVER_EXPIRY_MS} of {@code nowMs}, by id. One that had every batch
     * when it last asked is reported at {@code commitIndex}: the quorum's entries after the last batch (leader
     * changes) carry no metadata, and it would otherwise show a lag it cannot catch up.
     */
    synchronized List<QuorumStatus.ReplicaState> observers(long nowMs, long commitIndex) {
        observers.values().removeIf(seen -> nowMs - seen.fetchMs() > OBSERVER_EXPIRY_MS);
        List<QuorumStatus.ReplicaState> out = new ArrayList<>();
        observers.forEach((id, seen) -> out.add(new QuorumStatus.ReplicaState(id,
                seen.caughtUpMs() == seen.fetchMs() ? Math.max(seen.offset(), commitIndex) : seen.offset(),
                seen.fetchMs(), seen.caughtUpMs())));
        return out;
    }

    /** Fails nothing: waiting observers get an empty answer and ask again elsewhere if this voter is going away. */
    synchronized void close() {
        waiters.forEach(w -> w.reply().complete(answer(w.fromOffset())));
        waiters.clear();
    }

    private Message answer(long fromOffset) {
        if (fromOffset < startOffset) {
            MetadataImage current = image.get();
            return QuorumMessages.ok(FeedMessages.snapshot(leaderId.getAsInt(), current.toRecords(),
                    current.offset()));
        }
        List<FeedMessages.Batch> newer = new ArrayList<>();
        for (Batch b : batches) {
            if (b.lastOffset() > fromOffset) {
                newer.add(new FeedMessages.Batch(b.records(), b.lastOffset()));
            }
        }
        return QuorumMessages.ok(FeedMessages.batches(leaderId.getAsInt(), newer, lastOffset));
    }
}
