package io.samsa.clients.consumer.state;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;

/**
 * The subscription and the assigned partitions' states, shared by the application and I/O threads; every method
 * holds this object's lock. The I/O thread takes snapshots ({@link #fetchable}, {@link #awaitingReset}) and reports
 * back with the epoch it saw, so anything the application changed in between wins. Epochs come from one counter
 * ({@link #nextEpoch}), never from a partition's own: a partition revoked and assigned again gets a new
 * {@link PartitionState}, and a per-state count would start over and take the old assignment's buffered data or
 * in-flight Fetch (fetched from an older position) as current.
 */
public final class SubscriptionState {
    /** How partitions are chosen: by the application or by a group. */
    public enum Mode { NONE, USER_ASSIGNED, SUBSCRIBED_TOPICS, SUBSCRIBED_PATTERN }

    /** What the fetcher may fetch for a partition. */
    public record Fetchable(TopicPartition tp, long fetchOffset, int epoch) {
    }

    /** A partition waiting for a reset by ListOffsets. */
    public record Reset(TopicPartition tp, ResetStrategy strategy, int epoch) {
    }

    private final ResetStrategy defaultReset;
    private final int maxBufferedFetches;
    private Mode mode = Mode.NONE;
    private Set<String> topics = Set.of();
    private Pattern pattern;
    private ConsumerRebalanceListener listener;
    private final LinkedHashMap<TopicPartition, PartitionState> assigned = new LinkedHashMap<>();
    /** The last epoch handed out, to any partition. */
    private int lastEpoch;

    public SubscriptionState(ResetStrategy defaultReset, int maxBufferedFetches) {
        this.defaultReset = defaultReset;
        this.maxBufferedFetches = maxBufferedFetches;
    }

    public ResetStrategy defaultReset() {
        return defaultReset;
    }

    // ---- subscription ----

    public synchronized Mode mode() {
        return mode;
    }

    public synchronized boolean isGroupManaged() {
        return mode == Mode.SUBSCRIBED_TOPICS || mode == Mode.SUBSCRIBED_PATTERN;
    }

    private void checkMode(Mode wanted) {
        if (mode != Mode.NONE && mode != wanted) {
            throw new IllegalStateException("Subscription to topics, partitions and pattern are mutually exclusive");
        }
    }

    public synchronized void subscribe(Collection<String> newTopics, ConsumerRebalanceListener l) {
        checkMode(Mode.SUBSCRIBED_TOPICS);
        mode = Mode.SUBSCRIBED_TOPICS;
        topics = Set.copyOf(newTopics);
        pattern = null;
        listener = l;
    }

    public synchronized void subscribe(Pattern p, ConsumerRebalanceListener l) {
        checkMode(Mode.SUBSCRIBED_PATTERN);
        mode = Mode.SUBSCRIBED_PATTERN;
        pattern = p;
        topics = Set.of();
        listener = l;
    }

    /** For a pattern subscription: the matching topics now known. Returns whether the set changed. */
    public synchronized boolean matchedTopics(Collection<String> allTopics) {
        if (mode != Mode.SUBSCRIBED_PATTERN) {
            return false;
        }
        Set<String> matched = new HashSet<>();
        for (String t : allTopics) {
            if (pattern.matcher(t).matches()) {
                matched.add(t);
            }
        }
        if (matched.equals(topics)) {
            return false;
        }
        topics = Set.copyOf(matched);
        return true;
    }

    public synchronized Pattern pattern() {
        return pattern;
    }

    public synchronized Set<String> subscription() {
        return isGroupManaged() ? new TreeSet<>(topics) : Set.of();
    }

    public synchronized ConsumerRebalanceListener listener() {
        return listener;
    }

    public synchronized void unsubscribe() {
        mode = Mode.NONE;
        topics = Set.of();
        pattern = null;
        listener = null;
        assigned.clear();
    }

    /** A new epoch, unique among all partitions' (so also among a partition's successive states). */
    private int nextEpoch() {
        return ++lastEpoch;
    }

    // ---- assignment ----

    /** Manual assignment; partitions kept from before keep their positions. */
    public synchronized void assignFromUser(Collection<TopicPartition> partitions) {
        checkMode(Mode.USER_ASSIGNED);
        if (partitions.isEmpty()) {
            unsubscribe();
            return;
        }
        mode = Mode.USER_ASSIGNED;
        replaceAssignment(partitions);
    }

    /** The group's assignment; partitions kept from before keep their positions. */
    public synchronized void assignFromGroup(Collection<TopicPartition> partitions) {
        replaceAssignment(partitions);
    }

    private void replaceAssignment(Collection<TopicPartition> partitions) {
        LinkedHashMap<TopicPartition, PartitionState> next = new LinkedHashMap<>();
        for (TopicPartition tp : partitions) {
            PartitionState s = assigned.get(tp);
            next.put(tp, s != null ? s : new PartitionState(nextEpoch()));
        }
        assigned.clear();
        assigned.putAll(next);
    }

    public synchronized Set<TopicPartition> assignment() {
        return Set.copyOf(assigned.keySet());
    }

    public synchronized List<TopicPartition> assignedList() {
        return new ArrayList<>(assigned.keySet());
    }

    public synchronized boolean isAssigned(TopicPartition tp) {
        return assigned.containsKey(tp);
    }

    private PartitionState stateOrThrow(TopicPartition tp) {
        PartitionState s = assigned.get(tp);
        if (s == null) {
            throw new IllegalStateException("No current assignment for partition " + tp);
        }
        return s;
    }

    // ---- positions (application thread) ----

    public synchronized void seek(TopicPartition tp, long offset) {
        stateOrThrow(tp).seek(offset, nextEpoch());
    }

    /** Seek to the beginning / end (or a partition's default reset) once ListOffsets answers. */
    public synchronized void requestReset(TopicPartition tp, ResetStrategy strategy) {
        PartitionState s = stateOrThrow(tp);
        s.position = PartitionState.UNKNOWN;
        s.fetchOffset = PartitionState.UNKNOWN;
        s.epoch = nextEpoch();
        s.bufferedFetches = 0;
        s.resetPending = strategy;
        s.resetInFlight = false;
    }

    public synchronized Long position(TopicPartition tp) {
        PartitionState s = stateOrThrow(tp);
        return s.hasPosition() ? s.position : null;
    }

    /** Positions of partitions that have one (what a commit of "consumed so far" sends). */
    public synchronized Map<TopicPartition, PartitionState> snapshotWithPositions() {
        Map<TopicPartition, PartitionState> out = new LinkedHashMap<>();
        for (Map.Entry<TopicPartition, PartitionState> e : assigned.entrySet()) {
            if (e.getValue().hasPosition()) {
                PartitionState copy = new PartitionState(e.getValue().epoch);
                copy.position = e.getValue().position;
                copy.leaderEpoch = e.getValue().leaderEpoch;
                out.put(e.getKey(), copy);
            }
        }
        return out;
    }

    /** Partitions with no position and no reset under way: they need a committed offset or the default reset. */
    public synchronized List<TopicPartition> withoutPosition() {
        List<TopicPartition> out = new ArrayList<>();
        for (Map.Entry<TopicPartition, PartitionState> e : assigned.entrySet()) {
            if (!e.getValue().hasPosition() && e.getValue().resetPending == null) {
                out.add(e.getKey());
            }
        }
        return out;
    }

    /** Partitions whose reset strategy is NONE: the application must be told. */
    public synchronized List<TopicPartition> needingUserReset() {
        List<TopicPartition> out = new ArrayList<>();
        for (Map.Entry<TopicPartition, PartitionState> e : assigned.entrySet()) {
            if (e.getValue().resetPending == ResetStrategy.NONE) {
                out.add(e.getKey());
            }
        }
        return out;
    }

    public synchronized void pause(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            stateOrThrow(tp).paused = true;
        }
    }

    public synchronized void resume(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            stateOrThrow(tp).paused = false;
        }
    }

    public synchronized Set<TopicPartition> paused() {
        Set<TopicPartition> out = new HashSet<>();
        assigned.forEach((tp, s) -> {
            if (s.paused) {
                out.add(tp);
            }
        });
        return out;
    }

    public synchronized boolean isPaused(TopicPartition tp) {
        PartitionState s = assigned.get(tp);
        return s != null && s.paused;
    }

    public synchronized long highWatermark(TopicPartition tp) {
        PartitionState s = assigned.get(tp);
        return s == null ? -1 : s.highWatermark;
    }

    /**
     * The application consumed up to {@code nextOffset} from data fetched at {@code epoch}; false (nothing changed)
     * if the position was moved meanwhile.
     */
    public synchronized boolean advance(TopicPartition tp, int epoch, long nextOffset, int leaderEpoch) {
        PartitionState s = assigned.get(tp);
        if (s == null || s.epoch != epoch) {
            return false;
        }
        s.position = nextOffset;
        if (leaderEpoch >= 0) {
            s.leaderEpoch = leaderEpoch;
        }
        return true;
    }

    /** Whether data fetched at {@code epoch} is still wanted. */
    public synchronized boolean isCurrent(TopicPartition tp, int epoch) {
        PartitionState s = assigned.get(tp);
        return s != null && s.epoch == epoch;
    }

    // ---- fetching (I/O thread) ----

    /** Partitions to fetch now; marks them in flight. */
    public synchronized List<Fetchable> fetchable() {
        List<Fetchable> out = new ArrayList<>();
        for (Map.Entry<TopicPartition, PartitionState> e : assigned.entrySet()) {
            PartitionState s = e.getValue();
            if (s.fetchOffset != PartitionState.UNKNOWN && s.resetPending == null && !s.paused && !s.fetchInFlight
                    && s.bufferedFetches < maxBufferedFetches) {
                out.add(new Fetchable(e.getKey(), s.fetchOffset, s.epoch));
            }
        }
        return out;
    }

    public synchronized void fetchSent(TopicPartition tp, int epoch) {
        PartitionState s = assigned.get(tp);
        if (s != null && s.epoch == epoch) {
            s.fetchInFlight = true;
        }
    }

    /** A fetch at {@code epoch} came back (or failed): no longer in flight. */
    public synchronized void fetchDone(TopicPartition tp) {
        PartitionState s = assigned.get(tp);
        if (s != null) {
            s.fetchInFlight = false;
        }
    }

    /**
     * Data fetched at {@code epoch} is buffered; the next fetch starts at {@code nextFetchOffset}. Returns false
     * (caller drops the data) if the partition moved on.
     */
    public synchronized boolean fetched(TopicPartition tp, int epoch, long nextFetchOffset, long highWatermark,
                                        long lastStableOffset, long logStartOffset, boolean buffered) {
        PartitionState s = assigned.get(tp);
        if (s == null || s.epoch != epoch) {
            return false;
        }
        s.highWatermark = highWatermark;
        s.lastStableOffset = lastStableOffset;
        s.logStartOffset = logStartOffset;
        if (buffered) {
            s.fetchOffset = nextFetchOffset;
            s.bufferedFetches++;
        }
        return true;
    }

    /** The application finished (or dropped) one buffered fetch of this partition. */
    public synchronized void bufferedDone(TopicPartition tp, int epoch) {
        PartitionState s = assigned.get(tp);
        if (s != null && s.epoch == epoch && s.bufferedFetches > 0) {
            s.bufferedFetches--;
        }
    }

    /** OFFSET_OUT_OF_RANGE for a fetch at {@code epoch}: start over with the default reset strategy. */
    public synchronized void outOfRange(TopicPartition tp, int epoch) {
        PartitionState s = assigned.get(tp);
        if (s != null && s.epoch == epoch) {
            requestReset(tp, defaultReset);
        }
    }

    // ---- resets (I/O thread) ----

    /** Partitions whose reset can be sent now (EARLIEST/LATEST, not in flight); marks them in flight. */
    public synchronized List<Reset> awaitingReset() {
        List<Reset> out = new ArrayList<>();
        for (Map.Entry<TopicPartition, PartitionState> e : assigned.entrySet()) {
            PartitionState s = e.getValue();
            if (s.resetPending != null && s.resetPending != ResetStrategy.NONE && !s.resetInFlight) {
                s.resetInFlight = true;
                out.add(new Reset(e.getKey(), s.resetPending, s.epoch));
            }
        }
        return out;
    }

    /** The reset answered: seek there, unless the application moved the partition meanwhile. */
    public synchronized void resetDone(TopicPartition tp, int epoch, long offset) {
        PartitionState s = assigned.get(tp);
        if (s != null && s.epoch == epoch) {
            s.seek(offset, nextEpoch());
        }
    }

    public synchronized void resetFailed(TopicPartition tp, int epoch) {
        PartitionState s = assigned.get(tp);
        if (s != null && s.epoch == epoch) {
            s.resetInFlight = false;
        }
    }
}
