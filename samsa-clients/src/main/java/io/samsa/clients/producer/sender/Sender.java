package io.samsa.clients.producer.sender;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidMetadataException;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownProducerIdException;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.samsa.clients.metadata.MetadataCache;
import io.samsa.clients.metadata.MetadataRefresher;
import io.samsa.network.client.NetworkIo;
import io.samsa.network.client.ResponseHandler;
import io.samsa.protocol.records.BatchCompressor;
import io.samsa.clients.producer.batch.ProducerBatch;
import io.samsa.clients.producer.batch.RecordAccumulator;
import io.samsa.clients.producer.metrics.ProducerMetrics;
import io.samsa.protocol.records.BatchCompressor;
import io.samsa.protocol.records.ProduceRecords;

/** The I/O loop. Everything here runs on the sender thread, except {@link #initiateClose} and {@link #wakeup}. */
public final class Sender implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Sender.class);

    /** What the sender needs from the producer's configuration. */
    public record Settings(short acks, int maxInFlight, long requestTimeoutMs, long deliveryTimeoutMs, long lingerMs,
                           int retries, long retryBackoffMs, long retryBackoffMaxMs, int maxRequestSize,
                           long metadataMaxAgeMs, boolean idempotent, List<String> bootstrap) {
    }

    private final Settings settings;
    private final RecordAccumulator accumulator;
    private final MetadataCache metadata;
    private final NetworkIo network;
    private final ProducerMetrics metrics;
    private final BatchCompressor compressor;
    private final IdempotenceState idempotence = new IdempotenceState();
    private volatile boolean running = true;
    private volatile boolean forceClose;
    private final MetadataRefresher metadataRefresher;
    private boolean producerIdInFlight;
    private long nextProducerIdAttemptMs;
    private RuntimeException fatalError;

    public Sender(Settings settings, RecordAccumulator accumulator, MetadataCache metadata, NetworkIo network,
                  ProducerMetrics metrics, BatchCompressor compressor) {
        this.settings = settings;
        this.accumulator = accumulator;
        this.metadata = metadata;
        this.network = network;
        this.metadataRefresher = new MetadataRefresher(metadata, network, settings.metadataMaxAgeMs(),
                settings.retryBackoffMs());
        this.metrics = metrics;
        this.compressor = compressor;
        int id = -1;
        for (String hostPort : settings.bootstrap()) {
            int colon = hostPort.lastIndexOf(':');
            if (colon <= 0) {
                throw new org.apache.kafka.common.config.ConfigException("Invalid url in bootstrap.servers: " + hostPort);
            }
            network.address(id--, hostPort.substring(0, colon).replace("[", "").replace("]", ""),
                    Integer.parseInt(hostPort.substring(colon + 1).trim()));
        }
    }

    @Override
    public void run() {
        while (running) {
            runOnceSafely();
        }
        // Graceful close: keep sending (without lingering) until every batch is done, unless forced.
        while (!forceClose && accumulator.hasIncomplete()) {
            runOnceSafely();
        }
        if (forceClose) {
            accumulator.failAllIncomplete(new KafkaException("Producer is closed forcefully."));
        }
        network.close();
        accumulator.failAllIncomplete(new KafkaException("Producer closed with records still pending."));
    }

    private void runOnceSafely() {
        try {
            runOnce();
        } catch (Throwable t) {
            LOG.error("Unexpected error in the producer I/O thread", t);
        }
    }

    /** Stops the loop once everything pending is done ({@code force}: at once, failing what is pending). */
    public void initiateClose(boolean force) {
        accumulator.close();
        if (force) {
            forceClose = true;
        }
        running = false;
        wakeup();
    }

    public void forceClose() {
        initiateClose(true);
    }

    public void wakeup() {
        network.wakeup();
    }

    void runOnce() {
        long now = System.currentTimeMillis();
        if (fatalError != null) {
            accumulator.failQueued(fatalError);
        }
        maybeUpdateMetadata(now);
        if (settings.idempotent() && !idempotence.hasProducerId()) {
            maybeInitProducerId(now);
        }
        long pollTimeout = sendReady(now);
        network.poll(pollTimeout, now);
    }

    // ---- metadata ----

    private void maybeUpdateMetadata(long now) {
        metadataRefresher.maybeRefresh(now, this::readyNodeOrConnect, () -> {
            List<MetadataRequestData.MetadataRequestTopic> topics = new ArrayList<>();
            for (String t : metadata.wantedTopics()) {
                topics.add(new MetadataRequestData.MetadataRequestTopic().setName(t));
            }
            return new MetadataRequestData().setTopics(topics).setAllowAutoTopicCreation(true);
        });
    }

    /** A ready connection, else start connecting to a known broker (round robin) and return null. */
    private Integer readyNodeOrConnect(long now) {
        Integer node = network.leastLoadedReadyNode();
        if (node != null) {
            return node;
        }
        List<Integer> known = new ArrayList<>();
        for (int id : network.knownNodes()) {
            if (network.isConnecting(id)) {
                return null;
            }
            known.add(id);
        }
        known.sort(Integer::compare);
        network.connectNext(known, now);
        return null;
    }

    // ---- producer id ----

    private void maybeInitProducerId(long now) {
        if (producerIdInFlight || now < nextProducerIdAttemptMs) {
            return;
        }
        Integer node = readyNodeOrConnect(now);
        if (node == null) {
            return;
        }
        InitProducerIdRequestData request = new InitProducerIdRequestData().setTransactionalId(null)
                .setTransactionTimeoutMs(60_000).setProducerId(-1L).setProducerEpoch((short) -1);
        producerIdInFlight = true;
        network.send(node, ApiKeys.INIT_PRODUCER_ID, request, true, new ResponseHandler() {
            @Override
            public void onResponse(ApiMessage body) {
                producerIdInFlight = false;
                InitProducerIdResponseData data = (InitProducerIdResponseData) body;
                Errors error = Errors.forCode(data.errorCode());
                if (error == Errors.NONE) {
                    idempotence.producerId(data.producerId(), data.producerEpoch());
                    wakeup();
                } else if (error.exception() instanceof RetriableException) {
                    nextProducerIdAttemptMs = System.currentTimeMillis() + settings.retryBackoffMs();
                } else {
                    fatalError = error.exception("InitProducerId failed: " + error.message());
                }
            }

            @Override
            public void onFailure(RuntimeException error) {
                producerIdInFlight = false;
                nextProducerIdAttemptMs = System.currentTimeMillis() + settings.retryBackoffMs();
            }
        }, now);
    }

    // ---- draining and sending ----

    /** Sends what is ready; returns how long the selector may sleep. */
    private long sendReady(long now) {
        long nextWakeMs = settings.metadataMaxAgeMs();
        boolean noLinger = !running || accumulator.flushInProgress() || accumulator.pool().hasWaiters();
        boolean canProduce = !settings.idempotent() || idempotence.hasProducerId();
        Map<Integer, List<ProducerBatch>> perNode = new HashMap<>();
        Map<Integer, Integer> perNodeBytes = new HashMap<>();
        Map<Integer, Boolean> nodeOpen = new HashMap<>();
        List<ProducerBatch> expired = null;
        for (Map.Entry<TopicPartition, ArrayDeque<ProducerBatch>> e : accumulator.queues().entrySet()) {
            TopicPartition tp = e.getKey();
            ArrayDeque<ProducerBatch> dq = e.getValue();
            ProducerBatch taken = null;
            synchronized (dq) {
                ProducerBatch b = dq.peekFirst();
                if (b == null) {
                    continue;
                }
                // Queued batches past delivery.timeout.ms fail here, oldest first (a queue is in creation order,
                // retries ahead). A batch in flight is not in the queue: it waits for its answer or
                // request.timeout.ms, so a sequence the broker may still write is never given up under it.
                while (b != null && !b.inFlight() && now - b.createdMs() >= settings.deliveryTimeoutMs()) {
                    dq.pollFirst();
                    b.close();
                    if (expired == null) {
                        expired = new ArrayList<>();
                    }
                    expired.add(b);
                    b = dq.peekFirst();
                }
                if (b == null || !canProduce) {
                    continue;
                }
                if (b.retryAtMs() > now) {
                    nextWakeMs = Math.min(nextWakeMs, b.retryAtMs() - now);
                    continue;
                }
                long waited = now - b.createdMs();
                boolean ready = noLinger || dq.size() > 1 || b.isClosed() || b.attempts() > 0
                        || waited >= settings.lingerMs();
                if (!ready) {
                    nextWakeMs = Math.min(nextWakeMs, settings.lingerMs() - waited);
                    continue;
                }
                int leader = metadata.leaderFor(tp);
                if (leader < 0) {
                    continue;
                }
                Boolean open = nodeOpen.get(leader);
                if (open == null) {
                    open = network.ensureConnected(leader, now) && network.inFlight(leader) < settings.maxInFlight();
                    nodeOpen.put(leader, open);
                }
                if (!open) {
                    continue;
                }
                if (settings.idempotent() && !sequenceAllows(tp, dq, b)) {
                    continue;
                }
                int bytes = perNodeBytes.getOrDefault(leader, 0);
                int size = b.writer().sizeInBytes();
                if (bytes > 0 && bytes + size > settings.maxRequestSize()) {
                    continue;
                }
                dq.pollFirst();
                b.close();
                taken = b;
                perNodeBytes.put(leader, bytes + size);
                perNode.computeIfAbsent(leader, k -> new ArrayList<>()).add(taken);
            }
        }
        if (expired != null) {
            for (ProducerBatch b : expired) {
                failForGood(b, new TimeoutException("Expiring " + b.recordCount() + " record(s) for "
                        + b.topicPartition() + ": " + (now - b.createdMs()) + " ms has passed since batch creation"));
            }
        }
        for (Map.Entry<Integer, List<ProducerBatch>> e : perNode.entrySet()) {
            sendProduce(e.getKey(), e.getValue(), now);
        }
        return Math.max(0, Math.min(100, nextWakeMs));
    }

    /**
     * Whether the partition's head batch may be sent now (called under the queue's lock). A retry goes alone,
     * in sequence order, so the broker never sees a gap. So does a partition's first batch: a broker accepts
     * any first sequence from a producer it does not know yet, so a later batch overtaking a failed first one
     * would be taken and the first one rejected forever. A partition whose sequence cannot continue waits until
     * nothing of it is in flight, then either sends a batch that may already be written (its answer settles
     * whether the failed batch before it was written), or starts again at sequence 0 under a bumped epoch.
     */
    private boolean sequenceAllows(TopicPartition tp, ArrayDeque<ProducerBatch> dq, ProducerBatch head) {
        IdempotenceState.PartitionSequence seq = idempotence.partition(tp);
        if (seq.inFlight > 0) {
            return !head.hasSequence() && seq.lastAcked >= 0 && !seq.needsReset();
        }
        if (!seq.needsReset()) {
            return true;
        }
        boolean probe = !seq.resetRequired && head.hasSequence() && head.maybeWritten();
        if (probe) {
            return true;
        }
        long oldId = seq.producerId;
        short oldEpoch = seq.epoch;
        if (!idempotence.resetPartition(tp)) {
            return false; // a new producer id is on its way
        }
        int resequenced = 0;
        for (ProducerBatch b : dq) {
            if (b.hasSequence()) {
                b.clearSequence();
                resequenced++;
            }
        }
        LOG.info("{}: sequence cannot continue under producer id {} epoch {}; starting again at 0 under producer id"
                + " {} epoch {} ({} queued batch(es) get new sequences)", tp, oldId, oldEpoch, seq.producerId,
                seq.epoch, resequenced);
        return true;
    }

    private void sendProduce(int node, List<ProducerBatch> batches, long now) {
        short version = network.version(node, ApiKeys.PRODUCE);
        boolean useIds = version >= 13;
        Map<String, ProduceRequestData.TopicProduceData> topics = new HashMap<>();
        Map<TopicPartition, ProducerBatch> byPartition = new HashMap<>();
        Map<Uuid, String> idNames = new HashMap<>();
        int records = 0;
        int bytes = 0;
        for (ProducerBatch b : batches) {
            TopicPartition tp = b.topicPartition();
            boolean fresh = !b.writer().isFinished();
            b.writer().finish(compressor);
            if (settings.idempotent()) {
                IdempotenceState.PartitionSequence seq = idempotence.partition(tp);
                if (!b.hasSequence()) {
                    b.baseSequence(idempotence.assign(tp, b.recordCount()));
                    b.writer().stamp(seq.producerId, seq.epoch, b.baseSequence());
                } else if (fresh) { // a part of a split batch: its share of the batch's sequence range
                    b.writer().stamp(seq.producerId, seq.epoch, b.baseSequence());
                }
                seq.inFlight++;
            }
            b.inFlight(true);
            b.attempted(now);
            ProduceRequestData.TopicProduceData td = topics.computeIfAbsent(tp.topic(), name -> {
                ProduceRequestData.TopicProduceData d = new ProduceRequestData.TopicProduceData();
                if (useIds) {
                    Uuid id = metadata.topic(name).id();
                    idNames.put(id, name);
                    d.setTopicId(id);
                } else {
                    d.setName(name);
                }
                return d;
            });
            td.partitionData().add(ProduceRecords.set(
                    new ProduceRequestData.PartitionProduceData().setIndex(tp.partition()), b.writer().bytes()));
            byPartition.put(tp, b);
            records += b.recordCount();
            bytes += b.writer().sizeInBytes();
        }
        ProduceRequestData.TopicProduceDataCollection collection =
                new ProduceRequestData.TopicProduceDataCollection(topics.size());
        collection.addAll(topics.values());
        ProduceRequestData request = new ProduceRequestData().setAcks(settings.acks())
                .setTimeoutMs((int) Math.min(Integer.MAX_VALUE, settings.requestTimeoutMs()))
                .setTopicData(collection);
        boolean expectResponse = settings.acks() != 0;
        long sentNanos = System.nanoTime();
        metrics.requestSent(records, bytes);
        network.send(node, ApiKeys.PRODUCE, request, expectResponse, new ResponseHandler() {
            @Override
            public void onResponse(ApiMessage body) {
                long t = System.currentTimeMillis();
                metrics.requestCompleted((System.nanoTime() - sentNanos) / 1_000_000);
                if (body == null) { // acks=0: written is all we will know
                    for (ProducerBatch b : batches) {
                        completeBatch(b, Errors.NONE, -1L, -1L, null, t);
                    }
                    return;
                }
                ProduceResponseData data = (ProduceResponseData) body;
                for (ProduceResponseData.TopicProduceResponse tr : data.responses()) {
                    String name = useIds ? idNames.get(tr.topicId()) : tr.name();
                    for (ProduceResponseData.PartitionProduceResponse pr : tr.partitionResponses()) {
                        ProducerBatch b = byPartition.remove(new TopicPartition(name, pr.index()));
                        if (b != null) {
                            completeBatch(b, Errors.forCode(pr.errorCode()), pr.baseOffset(), pr.logAppendTimeMs(),
                                    pr.errorMessage(), t);
                        }
                    }
                }
                for (ProducerBatch b : byPartition.values()) {
                    batchFailed(b, new NetworkException("Produce response had no result for " + b.topicPartition()),
                            false, t);
                }
            }

            @Override
            public void onFailure(RuntimeException error) {
                long t = System.currentTimeMillis();
                metadata.requestUpdate();
                for (ProducerBatch b : batches) {
                    batchFailed(b, error, false, t);
                }
            }
        }, now);
    }

    private void completeBatch(ProducerBatch b, Errors error, long baseOffset, long logAppendTime, String message,
                               long now) {
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
            ex = new TopicAuthorizationException(java.util.Set.of(b.topicPartition().topic()));
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
    private void batchFailed(ProducerBatch b, RuntimeException error, boolean answered, long now) {
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
            }
        }
        if (error instanceof InvalidMetadataException || error instanceof NetworkException) {
            metadata.requestUpdate();
        }
        if (answered && (error instanceof RecordTooLargeException || error instanceof RecordBatchTooLargeException)
                && b.recordCount() > 1 && !forceClose) {
            List<ProducerBatch> parts = accumulator.splitAndReenqueue(b);
            metrics.batchSplit();
            LOG.debug("Split {} the broker found too large ({}) into {}", b, error.toString(), parts);
            return;
        }
        boolean inTime = now - b.createdMs() < settings.deliveryTimeoutMs();
        if (retriable && inTime && b.attempts() <= settings.retries() && !forceClose) {
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

    /**
     * Fails a batch for good. With a sequence it leaves a gap unless a later sequence was already acknowledged
     * (then it was written); the partition continues once the gap is settled (see {@link #sequenceAllows}).
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
        fail(b, error);
    }

    private void fail(ProducerBatch b, RuntimeException error) {
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
