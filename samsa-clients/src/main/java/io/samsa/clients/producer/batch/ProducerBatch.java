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
    private volatile long baseOffset = -1;
    private volatile long logAppendTime = -1;
    private volatile RuntimeException error;

    ProducerBatch(TopicPartition tp, ByteBuffer pooled, long createdMs) {
        this.tp = tp;
        this.pooled = pooled;
        this.writer = new RecordBatchWriter(pooled);
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

    /** Acknowledged: completes every record's future, then runs the callbacks in append order. */
    void complete(long baseOffset, long logAppendTime) {
        if (isDone()) {
            return;
        }
        this.baseOffset = baseOffset;
        this.logAppendTime = logAppendTime;
        done.countDown();
        for (SendFuture f : futures) {
            if (f.callback != null) {
                runCallback(f.callback, f.metadata(), null);
            }
        }
    }

    /** Failed: every record's future fails with {@code e}; callbacks get (metadata without offset, e). */
    void fail(RuntimeException e) {
        if (isDone()) {
            return;
        }
        this.error = e;
        done.countDown();
        for (SendFuture f : futures) {
            if (f.callback != null) {
                runCallback(f.callback, f.metadata(), e);
            }
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
