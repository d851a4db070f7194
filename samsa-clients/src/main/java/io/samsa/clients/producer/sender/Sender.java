package io.samsa.clients.producer.sender;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.samsa.clients.core.ClientCore;
import io.samsa.clients.metadata.MetadataCache;
import io.samsa.clients.metadata.MetadataRefresher;
import io.samsa.network.client.NetworkIo;
import io.samsa.network.client.ResponseHandler;
import io.samsa.clients.producer.batch.ProducerBatch;
import io.samsa.clients.producer.batch.RecordAccumulator;
import io.samsa.clients.producer.metrics.ProducerMetrics;
import io.samsa.clients.producer.txn.Transactions;
import io.samsa.protocol.records.BatchCompressor;
import io.samsa.protocol.records.ProduceRecords;

/**
 * The producer's I/O loop, on its own thread ({@code samsa-producer-network-thread}); everything here runs there,
 * except {@link #initiateClose}, {@link #forceClose} and {@link #wakeup} (any thread). Each turn: metadata, the
 * producer id, then the accumulator's ready leaders, kept to those with a ready connection and room under
 * {@code max.in.flight.requests.per.connection}, drained through the {@link SequenceGate} into one ProduceRequest
 * per leader; {@link BatchCompletion} settles each batch's answer. A transactional producer gets its producer id
 * from its transaction coordinator instead, and its coordinator requests ({@link TransactionRequests}) run in
 * the same turn, before draining. A connection that fails to authenticate fails the queued batches (and a
 * transactional producer's pending operation) with Kafka's AuthenticationException instead of retrying them until
 * {@code delivery.timeout.ms}, as kafka-clients' producer does.
 */
public final class Sender implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Sender.class);
    static final short MAX_TRANSACTIONAL_PRODUCE_VERSION = 11;

    /** What the sender needs from the producer's configuration. */
    public record Settings(short acks, int maxInFlight, long requestTimeoutMs, long deliveryTimeoutMs, long lingerMs,
                           int retries, long retryBackoffMs, long retryBackoffMaxMs, int maxRequestSize,
                           long metadataMaxAgeMs, boolean idempotent) {
    }

    private final Settings settings;
    private final RecordAccumulator accumulator;
    private final MetadataCache metadata;
    private final NetworkIo network;
    private final ProducerMetrics metrics;
    private final BatchCompressor compressor;
    private final IdempotenceState idempotence = new IdempotenceState();
    private final SequenceGate sequenceGate;
    /** Transactional producers only (else null): the transaction's state and its coordinator requests. */
    private final Transactions transactions;
    private final TransactionRequests transactionRequests;
    private final BatchCompletion completion;
    private volatile boolean running = true;
    private volatile boolean forceClose;
    private final MetadataRefresher metadataRefresher;
    private boolean producerIdInFlight;
    private long nextProducerIdAttemptMs;
    private RuntimeException fatalError;
    /** A connection failed to authenticate since the last turn (set on this thread, inside the network's poll). */
    private AuthenticationException authenticationFailure;

    /** {@code transactions}: a transactional producer's state, null for any other producer. */
    public Sender(Settings settings, RecordAccumulator accumulator, ClientCore core, ProducerMetrics metrics,
                  BatchCompressor compressor, Transactions transactions) {
        this.settings = settings;
        this.transactions = transactions;
        // A transactional producer never bumps its epoch locally: its coordinator does, after an abort.
        this.sequenceGate = new SequenceGate(idempotence, transactions == null);
        this.accumulator = accumulator;
        this.metadata = core.metadata();
        this.network = core.network();
        this.metadataRefresher = core.refresher();
        this.metrics = metrics;
        this.compressor = compressor;
        this.completion = new BatchCompletion(settings, accumulator, metadata, metrics, idempotence,
                () -> forceClose, transactions);
        this.transactionRequests = transactions == null ? null
                : new TransactionRequests(transactions, network, idempotence, accumulator, settings.retryBackoffMs());
        core.onAuthenticationFailure(e -> authenticationFailure = e);
        network.onThrottleTime(metrics::throttleTime);
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
        if (authenticationFailure != null) {
            RuntimeException e = authenticationFailure;
            authenticationFailure = null;
            if (transactions != null && transactions.nextOp() != null) {
                transactions.fatalError(e); // Kafka's TransactionManager.authenticationFailed
            }
            accumulator.failQueued(e);
        }
        maybeUpdateMetadata(now);
        if (transactionRequests != null) {
            transactionRequests.poll(now);
        } else if (settings.idempotent() && !idempotence.hasProducerId()) {
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
        boolean canProduce = !settings.idempotent() || idempotence.hasProducerId();
        RecordAccumulator.ReadyCheck check = accumulator.ready(now, metadata::leaderFor, canProduce);
        for (ProducerBatch b : check.expired()) {
            completion.expired(b, now);
        }
        Set<Integer> open = new HashSet<>();
        long throttleEndsInMs = Long.MAX_VALUE;
        for (int node : check.readyNodes()) {
            if (network.ensureConnected(node, now)) {
                // a node the broker throttles (KIP-219) gets nothing: its batches wait in the accumulator, as Kafka's
                long throttled = network.throttleDelayMs(node, now);
                if (throttled > 0) {
                    throttleEndsInMs = Math.min(throttleEndsInMs, throttled);
                } else if (network.inFlight(node) < settings.maxInFlight()) {
                    open.add(node);
                }
            } else if (!network.isConnecting(node)) {
                metadata.requestUpdate(); // the leader cannot be reached: it may have failed over
            }
        }
        RecordAccumulator.DrainGate gate = !settings.idempotent() ? (tp, head, queue) -> true
                : transactions == null ? sequenceGate
                // a partition's batches go once the coordinator has added it to the transaction
                : (tp, head, queue) -> transactions.isAdded(tp) && sequenceGate.mayDrain(tp, head, queue);
        Map<Integer, List<ProducerBatch>> drained = accumulator.drain(open, metadata::leaderFor,
                settings.maxRequestSize(), now, gate);
        for (Map.Entry<Integer, List<ProducerBatch>> e : drained.entrySet()) {
            sendProduce(e.getKey(), e.getValue(), now);
        }
        long nextWakeMs = Math.min(Math.min(settings.metadataMaxAgeMs(), check.nextReadyCheckDelayMs()),
                throttleEndsInMs);
        return Math.max(0, Math.min(100, nextWakeMs));
    }

    private void sendProduce(int node, List<ProducerBatch> batches, long now) {
        // Produce 12 and later imply transaction version 2 (the broker adds partitions itself): not ours yet.
        short maxVersion = transactions == null ? Short.MAX_VALUE : MAX_TRANSACTIONAL_PRODUCE_VERSION;
        short version = (short) Math.min(network.version(node, ApiKeys.PRODUCE), maxVersion);
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
                    b.writer().stamp(seq.producerId, seq.epoch, b.baseSequence(), transactions != null);
                } else if (fresh) { // a part of a split batch: its share of the batch's sequence range
                    b.writer().stamp(seq.producerId, seq.epoch, b.baseSequence(), transactions != null);
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
        ProduceRequestData request = new ProduceRequestData()
                .setTransactionalId(transactions == null ? null : transactions.transactionalId())
                .setAcks(settings.acks())
                .setTimeoutMs((int) Math.min(Integer.MAX_VALUE, settings.requestTimeoutMs()))
                .setTopicData(collection);
        boolean expectResponse = settings.acks() != 0;
        long sentNanos = System.nanoTime();
        metrics.requestSent(records, bytes);
        network.send(node, ApiKeys.PRODUCE, maxVersion, request, expectResponse, new ResponseHandler() {
            @Override
            public void onResponse(ApiMessage body) {
                long t = System.currentTimeMillis();
                metrics.requestCompleted((System.nanoTime() - sentNanos) / 1_000_000);
                if (body == null) { // acks=0: written is all we will know
                    for (ProducerBatch b : batches) {
                        completion.completeBatch(b, Errors.NONE, -1L, -1L, null, t);
                    }
                    return;
                }
                ProduceResponseData data = (ProduceResponseData) body;
                for (ProduceResponseData.TopicProduceResponse tr : data.responses()) {
                    String name = useIds ? idNames.get(tr.topicId()) : tr.name();
                    for (ProduceResponseData.PartitionProduceResponse pr : tr.partitionResponses()) {
                        ProducerBatch b = byPartition.remove(new TopicPartition(name, pr.index()));
                        if (b != null) {
                            completion.completeBatch(b, Errors.forCode(pr.errorCode()), pr.baseOffset(), pr.logAppendTimeMs(),
                                    pr.errorMessage(), t);
                        }
                    }
                }
                for (ProducerBatch b : byPartition.values()) {
                    completion.batchFailed(b, new NetworkException("Produce response had no result for " + b.topicPartition()),
                            false, t);
                }
            }

            @Override
            public void onFailure(RuntimeException error) {
                long t = System.currentTimeMillis();
                metadata.requestUpdate();
                for (ProducerBatch b : batches) {
                    completion.batchFailed(b, error, false, t);
                }
            }
        }, now);
    }
}
