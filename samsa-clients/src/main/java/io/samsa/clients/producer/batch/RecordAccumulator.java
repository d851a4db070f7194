package io.samsa.clients.producer.batch;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToIntFunction;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

import io.samsa.protocol.records.BatchCompressor;
import io.samsa.protocol.records.RecordBatchWriter;

/**
 * Per-partition queues of batches. Callers append to the last batch of a partition under that partition's
 * lock (the queue object); a batch that cannot take the next record is closed and a new one started with a
 * buffer from the {@link BufferPool}, taken outside the lock since it may block. The sender asks, in Kafka's
 * shape, which leaders have a sendable batch ({@link #ready}, which also expires queued batches past
 * {@code delivery.timeout.ms}) and then takes batches for the leaders it can send to ({@link #drain}); the queues
 * themselves never leave this class. Completing or failing a batch here also returns its memory.
 *
 * <p>Thread-safe: application threads append; the sender thread calls {@code ready}, {@code drain},
 * {@code reenqueue}, {@code complete} and {@code fail}.
 */
public final class RecordAccumulator {
    /** {@code batch.size}, {@code linger.ms} and {@code delivery.timeout.ms}. */
    public record Settings(int batchSize, long lingerMs, long deliveryTimeoutMs) {
    }

    /**
     * What {@link #ready} found: the leaders with a batch to send now, how long until another batch may become
     * sendable (linger or retry backoff ending), and the queued batches it expired (closed and out of their
     * queue, for the sender to fail).
     */
    public record ReadyCheck(Set<Integer> readyNodes, long nextReadyCheckDelayMs, List<ProducerBatch> expired) {
    }

    /**
     * Whether a partition's head batch may be drained now; the sender's in-flight and sequence gating, asked
     * under the partition's lock with the partition's queue (head first) so it may renumber queued batches.
     */
    public interface DrainGate {
        boolean mayDrain(TopicPartition tp, ProducerBatch head, Iterable<ProducerBatch> queue);
    }

    private final Settings settings;
    private final int batchSize;
    private final BufferPool pool;
    private final BatchCompressor compressor;
    private final Runnable wakeSender;
    private final ConcurrentHashMap<TopicPartition, ArrayDeque<ProducerBatch>> queues = new ConcurrentHashMap<>();
    private final Set<ProducerBatch> incomplete = ConcurrentHashMap.newKeySet();
    private final AtomicInteger flushes = new AtomicInteger();
    private volatile boolean closed;

    public RecordAccumulator(Settings settings, BufferPool pool, BatchCompressor compressor, Runnable wakeSender) {
        this.settings = settings;
        this.batchSize = settings.batchSize();
        this.compressor = compressor;
        this.pool = pool;
        this.wakeSender = wakeSender;
    }

    /**
     * Appends a record to its partition's open batch, starting a new batch if needed (which may wait up to
     * {@code maxBlockMs} for memory). Throws {@code BufferExhaustedException} when memory stays short.
     */
    public SendFuture append(TopicPartition tp, long timestamp, byte[] key, byte[] value, Header[] headers,
                             Callback callback, long maxBlockMs, long nowMs) {
        ArrayDeque<ProducerBatch> dq = queues.computeIfAbsent(tp, k -> new ArrayDeque<>());
        ProducerBatch full;
        synchronized (dq) {
            checkOpen();
            SendFuture f = appendToLast(dq, timestamp, key, value, headers, callback);
            if (f != null) {
                return f;
            }
            full = dq.peekLast();
        }
        if (full != null && !compressor.isNone()) {
            // As KafkaProducer: the appending thread pays for compression, not the one I/O thread.
            full.writer().finish(compressor);
        }
        int size = Math.max(batchSize, RecordBatchWriter.HEADER_SIZE
                + RecordBatchWriter.maxRecordSize(len(key), len(value), headers));
        ByteBuffer buffer = pool.allocate(size, maxBlockMs);
        boolean wake;
        SendFuture created;
        synchronized (dq) {
            try {
                checkOpen();
            } catch (RuntimeException e) {
                pool.release(buffer);
                throw e;
            }
            SendFuture f = appendToLast(dq, timestamp, key, value, headers, callback);
            if (f != null) {
                pool.release(buffer);
                return f;
            }
            ProducerBatch last = dq.peekLast();
            if (last != null) {
                last.close();
            }
            ProducerBatch batch = new ProducerBatch(tp, buffer, nowMs);
            created = batch.tryAppend(timestamp, key, value, headers, callback);
            if (created == null) {
                pool.release(buffer);
                throw new KafkaException("Record does not fit in an empty batch of " + size + " bytes");
            }
            dq.addLast(batch);
            incomplete.add(batch);
            wake = dq.size() > 1;
        }
        if (wake) {
            wakeSender.run();
        }
        return created;
    }

    private static SendFuture appendToLast(ArrayDeque<ProducerBatch> dq, long timestamp, byte[] key, byte[] value,
                                           Header[] headers, Callback callback) {
        ProducerBatch last = dq.peekLast();
        if (last == null) {
            return null;
        }
        SendFuture f = last.tryAppend(timestamp, key, value, headers, callback);
        if (f == null) {
            last.close();
        }
        return f;
    }

    private void checkOpen() {
        if (closed) {
            throw new KafkaException("Producer closed while send in progress");
        }
    }

    private static int len(byte[] b) {
        return b == null ? -1 : b.length;
    }

    /**
     * Expires queued batches past {@code delivery.timeout.ms} and, unless {@code sendingAllowed} is false (an
     * idempotent producer without its producer id yet), finds the leaders with a sendable head batch.
     * A batch is sendable when its retry backoff is over and it has lingered {@code linger.ms}, is full (closed
     * or followed by another batch), is a retry, or nothing may linger (flush, close, a thread waiting for
     * memory). {@code leaderFor} gives -1 for a partition without a known leader. Sender thread only.
     */
    public ReadyCheck ready(long now, ToIntFunction<TopicPartition> leaderFor, boolean sendingAllowed) {
        Set<Integer> nodes = new HashSet<>();
        List<ProducerBatch> expired = null;
        long nextDelay = Long.MAX_VALUE;
        boolean noLinger = noLinger();
        for (Map.Entry<TopicPartition, ArrayDeque<ProducerBatch>> e : queues.entrySet()) {
            ArrayDeque<ProducerBatch> dq = e.getValue();
            synchronized (dq) {
                expired = expireHeads(dq, now, expired);
                ProducerBatch b = dq.peekFirst();
                if (b == null || !sendingAllowed) {
                    continue;
                }
                long wait = waitMs(dq, b, now, noLinger);
                if (wait > 0) {
                    nextDelay = Math.min(nextDelay, wait);
                    continue;
                }
            }
            int leader = leaderFor.applyAsInt(e.getKey());
            if (leader >= 0) {
                nodes.add(leader);
            }
        }
        return new ReadyCheck(nodes, nextDelay, expired == null ? List.of() : expired);
    }

    /**
     * Takes the sendable head batch of each partition led by one of {@code nodes} that {@code gate} lets go,
     * up to {@code maxSize} bytes per node (at least one batch per node); taken batches are closed. Sender
     * thread only.
     */
    public Map<Integer, List<ProducerBatch>> drain(Set<Integer> nodes, ToIntFunction<TopicPartition> leaderFor,
                                                   int maxSize, long now, DrainGate gate) {
        Map<Integer, List<ProducerBatch>> out = new HashMap<>();
        if (nodes.isEmpty()) {
            return out;
        }
        Map<Integer, Integer> bytes = new HashMap<>();
        boolean noLinger = noLinger();
        for (Map.Entry<TopicPartition, ArrayDeque<ProducerBatch>> e : queues.entrySet()) {
            TopicPartition tp = e.getKey();
            ArrayDeque<ProducerBatch> dq = e.getValue();
            synchronized (dq) {
                ProducerBatch b = dq.peekFirst();
                if (b == null || waitMs(dq, b, now, noLinger) > 0) {
                    continue;
                }
                // Only for a sendable head: an unknown leader asks for a metadata refresh.
                int leader = leaderFor.applyAsInt(tp);
                if (leader < 0 || !nodes.contains(leader) || !gate.mayDrain(tp, b, dq)) {
                    continue;
                }
                int taken = bytes.getOrDefault(leader, 0);
                int size = b.writer().sizeInBytes();
                if (taken > 0 && taken + size > maxSize) {
                    continue;
                }
                dq.pollFirst();
                b.close();
                bytes.put(leader, taken + size);
                out.computeIfAbsent(leader, k -> new ArrayList<>()).add(b);
            }
        }
        return out;
    }

    /** Expires queued batches without looking for sendable ones (the producer has no producer id yet). */
    public List<ProducerBatch> expire(long now) {
        return ready(now, tp -> -1, false).expired();
    }

    private boolean noLinger() {
        return closed || flushInProgress() || pool.hasWaiters();
    }

    /** How long until the queue's head may be sent (0: now); called under the queue's lock. */
    private long waitMs(ArrayDeque<ProducerBatch> dq, ProducerBatch head, long now, boolean noLinger) {
        if (head.retryAtMs() > now) {
            return head.retryAtMs() - now;
        }
        long waited = now - head.createdMs();
        boolean ready = noLinger || dq.size() > 1 || head.isClosed() || head.attempts() > 0
                || waited >= settings.lingerMs();
        return ready ? 0 : settings.lingerMs() - waited;
    }

    /**
     * Takes queued batches past delivery.timeout.ms off the queue's head, oldest first (a queue is in creation
     * order, retries ahead). A batch in flight is not in the queue: it waits for its answer or
     * request.timeout.ms, so a sequence the broker may still write is never given up under it.
     */
    private List<ProducerBatch> expireHeads(ArrayDeque<ProducerBatch> dq, long now, List<ProducerBatch> expired) {
        ProducerBatch b = dq.peekFirst();
        while (b != null && !b.inFlight() && now - b.createdMs() >= settings.deliveryTimeoutMs()) {
            dq.pollFirst();
            b.close();
            if (expired == null) {
                expired = new ArrayList<>();
            }
            expired.add(b);
            b = dq.peekFirst();
        }
        return expired;
    }

    /** Batches queued for a partition (for load-aware partitioning); racy read, good enough for a hint. */
    public int queuedBatches(TopicPartition tp) {
        ArrayDeque<ProducerBatch> dq = queues.get(tp);
        return dq == null ? 0 : dq.size();
    }

    /** Puts a batch that must be retried back into its queue, before any batch with a later sequence. */
    public void reenqueue(ProducerBatch batch) {
        ArrayDeque<ProducerBatch> dq = queues.computeIfAbsent(batch.topicPartition(), k -> new ArrayDeque<>());
        synchronized (dq) {
            if (!batch.hasSequence()) {
                dq.addFirst(batch);
                return;
            }
            List<ProducerBatch> ahead = new ArrayList<>();
            while (!dq.isEmpty() && dq.peekFirst().hasSequence()
                    && dq.peekFirst().baseSequence() < batch.baseSequence()) {
                ahead.add(dq.pollFirst());
            }
            dq.addFirst(batch);
            for (int i = ahead.size() - 1; i >= 0; i--) {
                dq.addFirst(ahead.get(i));
            }
        }
    }

    /**
     * Splits a batch the broker refused as too large into two halves and puts them back at the head of the
     * partition's queue, in order; the batch's pooled memory is returned. The halves keep the batch's records,
     * futures, creation time and sequence range (see {@link ProducerBatch#split}).
     */
    public List<ProducerBatch> splitAndReenqueue(ProducerBatch batch) {
        List<ProducerBatch> parts = batch.split();
        incomplete.addAll(parts);
        if (incomplete.remove(batch) && batch.pooledBuffer() != null) {
            pool.release(batch.pooledBuffer());
        }
        for (int i = parts.size() - 1; i >= 0; i--) {
            reenqueue(parts.get(i));
        }
        return parts;
    }

    /** Acknowledged: memory first (so a caller woken by the future finds it free), then futures and callbacks. */
    public void complete(ProducerBatch batch, long baseOffset, long logAppendTime) {
        finished(batch);
        batch.complete(baseOffset, logAppendTime);
    }

    /** Failed: memory first, then futures and callbacks. */
    public void fail(ProducerBatch batch, RuntimeException e) {
        finished(batch);
        batch.fail(e);
    }

    private void finished(ProducerBatch batch) {
        if (incomplete.remove(batch) && batch.pooledBuffer() != null) {
            pool.release(batch.pooledBuffer());
        }
    }

    /** Fails every batch still in a queue (not in flight) — used by a forced close. */
    public void failQueued(RuntimeException e) {
        for (ArrayDeque<ProducerBatch> dq : queues.values()) {
            List<ProducerBatch> drained;
            synchronized (dq) {
                drained = new ArrayList<>(dq);
                dq.clear();
            }
            for (ProducerBatch b : drained) {
                b.close();
                fail(b, e);
            }
        }
    }

    /** Fails every batch not yet done (queued or in flight) — the last step of a forced close. */
    public void failAllIncomplete(RuntimeException e) {
        failQueued(e);
        for (ProducerBatch b : new ArrayList<>(incomplete)) {
            fail(b, e);
        }
    }

    public List<ProducerBatch> incompleteSnapshot() {
        return new ArrayList<>(incomplete);
    }

    /** Waits until every one of {@code batches} is done (a split batch: until its parts are). */
    public void awaitCompletion(List<ProducerBatch> batches) throws InterruptedException {
        for (ProducerBatch b : batches) {
            b.await();
        }
    }

    public boolean hasIncomplete() {
        return !incomplete.isEmpty();
    }

    public void beginFlush() {
        flushes.incrementAndGet();
        wakeSender.run();
    }

    public void endFlush() {
        flushes.decrementAndGet();
    }

    public boolean flushInProgress() {
        return flushes.get() > 0;
    }

    /** No more appends. */
    public void close() {
        closed = true;
    }

    public boolean isClosed() {
        return closed;
    }

    public BufferPool pool() {
        return pool;
    }
}
