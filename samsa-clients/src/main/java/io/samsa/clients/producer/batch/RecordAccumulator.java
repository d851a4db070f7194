package io.samsa.clients.producer.batch;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

import io.samsa.protocol.records.BatchCompressor;
import io.samsa.protocol.records.RecordBatchWriter;

/**
 * Per-partition queues of batches. Callers append to the last batch of a partition under that partition's
 * lock (the queue object); a batch that cannot take the next record is closed and a new one started with a
 * buffer from the {@link BufferPool}, taken outside the lock since it may block. The sender takes batches from
 * the queue heads; completing or failing a batch here also returns its memory.
 */
public final class RecordAccumulator {
    private final int batchSize;
    private final BufferPool pool;
    private final BatchCompressor compressor;
    private final Runnable wakeSender;
    private final ConcurrentHashMap<TopicPartition, ArrayDeque<ProducerBatch>> queues = new ConcurrentHashMap<>();
    private final Set<ProducerBatch> incomplete = ConcurrentHashMap.newKeySet();
    private final AtomicInteger flushes = new AtomicInteger();
    private volatile boolean closed;

    public RecordAccumulator(int batchSize, BufferPool pool, BatchCompressor compressor, Runnable wakeSender) {
        this.batchSize = batchSize;
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

    /** The partition queues; the sender locks a queue (synchronized on it) to look at or take its head. */
    public Map<TopicPartition, ArrayDeque<ProducerBatch>> queues() {
        return queues;
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
