package io.samsa.clients.producer.batch;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.samsa.protocol.records.RecordBatchWriter;

/**
 * One partition's batch: the record bytes, the futures and callbacks of its records, and its delivery state
 * (attempts, retry time, sequence). Appends happen under the partition's lock; everything after
 * {@link #close} belongs to the sender thread.
 */
public final class ProducerBatch {
    private static final Logger LOG = LoggerFactory.getLogger(ProducerBatch.class);

    private final TopicPartition tp;
    private final ByteBuffer pooled;
    private final RecordBatchWriter writer;
    private final List<SendFuture> futures = new ArrayList<>();
    private final CountDownLatch done = new CountDownLatch(1);
    private final long createdMs;
    private volatile boolean closed;
    private int attempts;
    private long retryAtMs;
    private long drainedMs;
    private int baseSequence = -1;
    private boolean inFlight;
    private boolean maybeWritten;
    /** Set when completion starts (callbacks run before the latch opens, and a callback may close the producer). */
    private volatile boolean completing;
    /** Set when this batch was split: done once every part is. */
    private ProducerBatch parent;
    private int partsPending;
    private volatile long baseOffset = -1;
    private volatile long logAppendTime = -1;
    private volatile RuntimeException error;

    ProducerBatch(TopicPartition tp, ByteBuffer pooled, long createdMs) {
        this(tp, pooled, new RecordBatchWriter(pooled), createdMs);
    }

    private ProducerBatch(TopicPartition tp, ByteBuffer pooled, RecordBatchWriter writer, long createdMs) {
        this.tp = tp;
        this.pooled = pooled;
        this.writer = writer;
        this.createdMs = createdMs;
    }

    SendFuture tryAppend(long timestamp, byte[] key, byte[] value, Header[] headers, Callback callback) {
        if (closed) {
            return null;
        }
        int delta = writer.tryAppend(timestamp, key, value, headers);
        if (delta < 0) {
            return null;
        }
        SendFuture f = new SendFuture(this, delta, timestamp, key == null ? -1 : key.length,
                value == null ? -1 : value.length, callback);
        futures.add(f);
        return f;
    }

    /** No more appends (called under the partition lock). */
    public void close() {
        closed = true;
    }

    public boolean isClosed() {
        return closed;
    }

    public TopicPartition topicPartition() {
        return tp;
    }

    public int recordCount() {
        return writer.recordCount();
    }

    public long createdMs() {
        return createdMs;
    }

    public RecordBatchWriter writer() {
        return writer;
    }

    ByteBuffer pooledBuffer() {
        return pooled;
    }

    public int attempts() {
        return attempts;
    }

    public void attempted(long nowMs) {
        attempts++;
        drainedMs = nowMs;
    }

    /** The last attempt does not count against {@code retries}. */
    public void uncountAttempt() {
        attempts = Math.max(0, attempts - 1);
    }

    public long drainedMs() {
        return drainedMs;
    }

    public long retryAtMs() {
        return retryAtMs;
    }

    public void retryAt(long ms) {
        retryAtMs = ms;
    }

    public int baseSequence() {
        return baseSequence;
    }

    public boolean hasSequence() {
        return baseSequence >= 0;
    }

    public void baseSequence(int seq) {
        baseSequence = seq;
    }

    /** Forgets the sequence (the partition starts again under a new epoch); the batch is stamped anew. */
    public void clearSequence() {
        baseSequence = -1;
        maybeWritten = false;
    }

    /**
     * Whether an attempt ended without an answer (connection lost, request timed out), so the broker may have
     * written the batch. Cleared only by an answer proving it was not written (out-of-order sequence, unknown
     * producer id), never by other errors, which say nothing about earlier attempts.
     */
    public boolean maybeWritten() {
        return maybeWritten;
    }

    public void maybeWritten(boolean value) {
        maybeWritten = value;
    }

    /**
     * Splits a batch the broker found too large into two batches of about half the records each, in order,
     * each with its share of the futures and callbacks. The parts are plain heap buffers (not from the pool,
     * which may be exhausted by batches behind this one); with a sequence, the parts take consecutive ranges
     * of it, since they hold the same records. This batch is done when both parts are.
     */
    List<ProducerBatch> split() {
        List<RecordBatchWriter.Record> records = writer.records();
        int half = records.size() / 2;
        List<ProducerBatch> parts = List.of(part(records.subList(0, half), 0),
                part(records.subList(half, records.size()), half));
        if (hasSequence()) {
            parts.get(0).baseSequence = baseSequence;
            parts.get(1).baseSequence = baseSequence + half;
        }
        for (ProducerBatch p : parts) {
            p.parent = this;
            p.closed = true;
        }
        partsPending = parts.size();
        futures.clear();
        return parts;
    }

    private ProducerBatch part(List<RecordBatchWriter.Record> records, int firstIndex) {
        int size = RecordBatchWriter.HEADER_SIZE;
        for (RecordBatchWriter.Record r : records) {
            size += RecordBatchWriter.maxRecordSize(r.keySize(), r.valueSize(), r.headers());
        }
        ProducerBatch part = new ProducerBatch(tp, null, new RecordBatchWriter(ByteBuffer.allocate(size)), createdMs);
        for (int i = 0; i < records.size(); i++) {
            RecordBatchWriter.Record r = records.get(i);
            int delta = part.writer.tryAppend(r.timestamp(), r.key(), r.value(), r.headers());
            SendFuture f = futures.get(firstIndex + i);
            f.moveTo(part, delta);
            part.futures.add(f);
        }
        return part;
    }

    ProducerBatch parent() {
        return parent;
    }

    private void partDone() {
        if (--partsPending == 0) {
            done.countDown();
            if (parent != null) {
                parent.partDone();
            }
        }
    }

    public boolean inFlight() {
        return inFlight;
    }

    public void inFlight(boolean value) {
        inFlight = value;
    }

    public long baseOffset() {
        return baseOffset;
    }

    public long logAppendTime() {
        return logAppendTime;
    }

    public RuntimeException error() {
        return error;
    }

    public boolean isDone() {
        return done.getCount() == 0;
    }

    void await() throws InterruptedException {
        done.await();
    }

    boolean await(long timeout, TimeUnit unit) throws InterruptedException {
        return done.await(timeout, unit);
    }

    /** Acknowledged: runs the callbacks in append order, then completes every record's future. */
    void complete(long baseOffset, long logAppendTime) {
        if (completing) {
            return;
        }
        completing = true;
        this.baseOffset = baseOffset;
        this.logAppendTime = logAppendTime;
        for (SendFuture f : futures) {
            if (f.callback != null) {
                runCallback(f.callback, f.metadata(), null);
            }
        }
        countDown(); // as KafkaProducer: get() and flush() return once the callbacks have run
    }

    /** Failed: callbacks get (metadata without offset, e), then every record's future fails with {@code e}. */
    void fail(RuntimeException e) {
        if (completing) {
            return;
        }
        completing = true;
        this.error = e;
        for (SendFuture f : futures) {
            if (f.callback != null) {
                runCallback(f.callback, f.metadata(), e);
            }
        }
        countDown();
    }

    private void countDown() {
        done.countDown();
        if (parent != null) {
            parent.partDone();
        }
    }

    private static void runCallback(Callback cb, org.apache.kafka.clients.producer.RecordMetadata md, Exception e) {
        try {
            cb.onCompletion(md, e);
        } catch (Throwable t) {
            LOG.error("Producer callback threw", t);
        }
    }

    @Override
    public String toString() {
        return "ProducerBatch(" + tp + ", records=" + recordCount() + ", seq=" + baseSequence + ", attempts="
                + attempts + ")";
    }
}
