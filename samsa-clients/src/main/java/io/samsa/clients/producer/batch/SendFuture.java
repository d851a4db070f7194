package io.samsa.clients.producer.batch;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;

/** The future of one record in a batch: done when its batch is. */
public final class SendFuture implements Future<RecordMetadata> {
    private volatile ProducerBatch batch;
    private volatile int offsetDelta;
    private final long timestamp;
    private final int keySize;
    private final int valueSize;
    final Callback callback;

    SendFuture(ProducerBatch batch, int offsetDelta, long timestamp, int keySize, int valueSize, Callback callback) {
        this.batch = batch;
        this.offsetDelta = offsetDelta;
        this.timestamp = timestamp;
        this.keySize = keySize;
        this.valueSize = valueSize;
        this.callback = callback;
    }

    /** The record now lives in a part of its split batch (before any thread can see that part done). */
    void moveTo(ProducerBatch part, int delta) {
        this.offsetDelta = delta;
        this.batch = part;
    }

    RecordMetadata metadata() {
        ProducerBatch b = batch;
        TopicPartition tp = b.topicPartition();
        long base = b.baseOffset();
        long offset = base < 0 ? -1 : base + offsetDelta;
        long ts = b.logAppendTime() >= 0 ? b.logAppendTime() : timestamp;
        return new RecordMetadata(tp, offset, 0, ts, keySize, valueSize);
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        return false;
    }

    @Override
    public boolean isCancelled() {
        return false;
    }

    @Override
    public boolean isDone() {
        return batch.isDone();
    }

    @Override
    public RecordMetadata get() throws InterruptedException, ExecutionException {
        batch.await();
        return valueOrThrow();
    }

    @Override
    public RecordMetadata get(long timeout, TimeUnit unit)
            throws InterruptedException, ExecutionException, TimeoutException {
        if (!batch.await(timeout, unit)) {
            throw new TimeoutException("Timeout after waiting for " + unit.toMillis(timeout) + " ms.");
        }
        return valueOrThrow();
    }

    /** Called once the batch awaited is done; a split batch is done only when its parts are. */
    private RecordMetadata valueOrThrow() throws ExecutionException {
        RuntimeException error = batch.error();
        if (error != null) {
            throw new ExecutionException(error);
        }
        return metadata();
    }
}
