package io.samsa.clients.producer.sender;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;

import org.apache.kafka.common.errors.InvalidMetadataException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownProducerIdException;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.samsa.clients.metadata.MetadataCache;
import io.samsa.clients.producer.batch.ProducerBatch;
import io.samsa.clients.producer.batch.RecordAccumulator;
import io.samsa.clients.producer.metrics.ProducerMetrics;
import io.samsa.clients.producer.txn.Transactions;

/**
 * What happens to a batch after an attempt: acknowledged, split (too large), retried in sequence order with
 * exponential backoff, or failed for good, keeping the idempotence bookkeeping in step. Sender thread only.
 */
final class BatchCompletion {
    private static final Logger LOG = LoggerFactory.getLogger(Sender.class);

    private final Sender.Settings settings;
    private final RecordAccumulator accumulator;
    private final MetadataCache metadata;
    private final ProducerMetrics metrics;
    private final IdempotenceState idempotence;
    private final BooleanSupplier forceClose;
    private final Transactions transactions; // null unless transactional

    BatchCompletion(Sender.Settings settings, RecordAccumulator accumulator, MetadataCache metadata,
                    ProducerMetrics metrics, IdempotenceState idempotence, BooleanSupplier forceClose,
                    Transactions transactions) {
        this.transactions = transactions;
        this.settings = settings;
        this.accumulator = accumulator;
        this.metadata = metadata;
        this.metrics = metrics;
        this.idempotence = idempotence;
        this.forceClose = forceClose;
    }

    /** The broker answered for the batch (acks=0: {@code Errors.NONE} with offset -1). */
    void completeBatch(ProducerBatch b, Errors error, long baseOffset, long logAppendTime, String message, long now) {
        if (error == Errors.NONE || error == Errors.DUPLICATE_SEQUENCE_NUMBER) {
            if (b.isDone()) {
                return;
            }
            b.inFlight(false);
            if (settings.idempotent() && b.hasSequence()) {
                IdempotenceState.PartitionSequence seq = idempotence.partition(b.topicPartition());
                seq.inFlight--;
                seq.lastAcked = IdempotenceState.increment(b.baseSequence(), b.recordCount() - 1);
                if (seq.gap && IdempotenceState.after(b.baseSequence(), seq.gapSequence)) {
                    seq.gap = false; // the broker took a later sequence: the batch that failed was written after all
                }
            }
            metrics.batchSent(b.recordCount(), b.writer().sizeInBytes(), b.writer().uncompressedSizeInBytes(),
                    b.drainedMs() - b.createdMs());
            accumulator.complete(b, baseOffset, logAppendTime);
            return;
        }
        RuntimeException ex;
        if (error == Errors.TOPIC_AUTHORIZATION_FAILED) {
            ex = new TopicAuthorizationException(Set.of(b.topicPartition().topic()));
        } else {
            ex = error.exception(message);
        }
        batchFailed(b, ex, true, now);
    }

    /**
     * A batch's attempt failed: split it (too large), retry it (in sequence order) or fail it for good.
     * {@code answered}: the broker answered with an error (otherwise the connection failed or timed out, and the
     * broker may have written the batch).
     */
    void batchFailed(ProducerBatch b, RuntimeException error, boolean answered, long now) {
        if (b.isDone()) {
            return;
        }
        b.inFlight(false);
        boolean retriable = error instanceof RetriableException;
        if (settings.idempotent() && b.hasSequence()) {
            IdempotenceState.PartitionSequence seq = idempotence.partition(b.topicPartition());
            seq.inFlight--;
            if (!answered) {
                b.maybeWritten(true);
            } else if (error instanceof OutOfOrderSequenceException || error instanceof UnknownProducerIdException) {
                // The broker did not write it (a duplicate of a recent batch is answered as such): retry, after an
                // epoch bump if this batch was the next one expected, else behind the earlier batch being retried.
                b.maybeWritten(false);
                retriable = true;
                b.uncountAttempt(); // rejected for an earlier batch's sake, not its own
                if (error instanceof UnknownProducerIdException
                        || (!seq.gap && b.baseSequence() == IdempotenceState.increment(seq.lastAcked, 1))) {
                    seq.resetRequired = true;
                }
                if (transactions != null) {
                    retriable = false; // no local epoch bump: the transaction aborts and the coordinator bumps
                }
            }
        }
        if (error instanceof InvalidMetadataException || error instanceof NetworkException) {
            metadata.requestUpdate();
        }
        boolean forced = forceClose.getAsBoolean();
        if (answered && (error instanceof RecordTooLargeException || error instanceof RecordBatchTooLargeException)
                && b.recordCount() > 1 && !forced) {
            List<ProducerBatch> parts = accumulator.splitAndReenqueue(b);
            metrics.batchSplit();
            LOG.debug("Split {} the broker found too large ({}) into {}", b, error.toString(), parts);
            return;
        }
        boolean inTime = now - b.createdMs() < settings.deliveryTimeoutMs();
        if (retriable && inTime && b.attempts() <= settings.retries() && !forced) {
            long backoff = backoffMs(b.attempts());
            b.retryAt(now + backoff);
            metrics.retried(b.recordCount());
            LOG.debug("Retrying {} in {} ms after {}", b, backoff, error.toString());
            accumulator.reenqueue(b);
            return;
        }
        if (retriable && !inTime) {
            error = new TimeoutException("Expiring " + b.recordCount() + " record(s) for " + b.topicPartition()
                    + ": " + (now - b.createdMs()) + " ms has passed since batch creation (last error: " + error + ")");
        }
        failForGood(b, error);
    }

    /** A queued batch the accumulator expired (past delivery.timeout.ms). */
    void expired(ProducerBatch b, long now) {
        failForGood(b, new TimeoutException("Expiring " + b.recordCount() + " record(s) for "
                + b.topicPartition() + ": " + (now - b.createdMs()) + " ms has passed since batch creation"));
    }

    /**
     * Fails a batch for good. With a sequence it leaves a gap unless a later sequence was already acknowledged
     * (then it was written); the partition continues once the gap is settled (see {@link SequenceGate}).
     */
    private void failForGood(ProducerBatch b, RuntimeException error) {
        if (settings.idempotent() && b.hasSequence()) {
            IdempotenceState.PartitionSequence seq = idempotence.partition(b.topicPartition());
            int last = IdempotenceState.increment(b.baseSequence(), b.recordCount() - 1);
            boolean written = seq.lastAcked >= 0 && !IdempotenceState.after(last, seq.lastAcked);
            if (!written && (!seq.gap || IdempotenceState.after(last, seq.gapSequence))) {
                seq.gap = true;
                seq.gapSequence = last;
            }
        }
        if (transactions != null) {
            if (error instanceof InvalidProducerEpochException || error instanceof ProducerFencedException) {
                transactions.fatalError(new ProducerFencedException("Produce to " + b.topicPartition() + " was "
                        + "fenced: there is a newer producer with the same transactionalId"));
            } else if (error instanceof TransactionalIdAuthorizationException
                    || error instanceof InvalidTxnStateException) {
                transactions.fatalError(error);
            } else {
                if (settings.idempotent() && b.hasSequence()) {
                    transactions.requireEpochBump();
                }
                transactions.abortableError(error);
            }
        }
        LOG.warn("Failing {}: {}", b, error.toString());
        metrics.failed(b.recordCount());
        accumulator.fail(b, error);
    }

    private long backoffMs(int attempts) {
        double exp = settings.retryBackoffMs() * Math.pow(2, Math.max(0, attempts - 1));
        double capped = Math.min(settings.retryBackoffMaxMs(), exp);
        double jitter = 0.8 + ThreadLocalRandom.current().nextDouble() * 0.4;
        return Math.max(1, (long) (capped * jitter));
    }
}
