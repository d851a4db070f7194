package io.samsa.clients.producer.sender;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.message.AddOffsetsToTxnRequestData;
import org.apache.kafka.common.message.AddOffsetsToTxnResponseData;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData;
import org.apache.kafka.common.message.EndTxnRequestData;
import org.apache.kafka.common.message.EndTxnResponseData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.samsa.clients.producer.batch.RecordAccumulator;
import io.samsa.clients.producer.txn.TransactionOp;
import io.samsa.clients.producer.txn.Transactions;
import io.samsa.network.client.NetworkIo;
import io.samsa.network.client.ResponseHandler;

/**
 * The transactional producer's requests to its coordinators, on the I/O thread, one at a time and in order
 * (transaction version 1, as a kafka-clients producer speaks it to a broker that does not finalize version 2):
 * FindCoordinator, InitProducerId with the transactional id, AddPartitionsToTxn before a partition's first batch,
 * AddOffsetsToTxn then TxnOffsetCommit to the group's coordinator, and EndTxn once every batch of the transaction
 * is done. Versions stay below those that imply transaction version 2 (AddPartitionsToTxn 3, EndTxn 4,
 * TxnOffsetCommit 4, AddOffsetsToTxn 3; Produce 11, see {@link Sender}).
 *
 * <p>Errors as Kafka's producer treats them: a lost or moving coordinator is looked up again; loading,
 * CONCURRENT_TRANSACTIONS and other retriable errors are retried after the backoff; a newer epoch (the producer
 * was fenced), an authorization failure or an invalid state are fatal; anything else during a transaction makes
 * it abortable.
 */
final class TransactionRequests {
    private static final Logger LOG = LoggerFactory.getLogger(TransactionRequests.class);
    static final short MAX_ADD_PARTITIONS_VERSION = 3;
    static final short MAX_END_TXN_VERSION = 4;
    static final short MAX_TXN_OFFSET_COMMIT_VERSION = 4;
    static final short MAX_ADD_OFFSETS_VERSION = 3;
    /** Kafka's producer retries CONCURRENT_TRANSACTIONS on AddPartitionsToTxn quickly: the last EndTxn is settling. */
    private static final long CONCURRENT_TRANSACTIONS_BACKOFF_MS = 20;
    private static final byte GROUP_KEY = 0;
    private static final byte TRANSACTION_KEY = 1;

    private final Transactions txn;
    private final NetworkIo network;
    private final IdempotenceState idempotence;
    private final RecordAccumulator accumulator;
    private final long retryBackoffMs;
    private Integer coordinator;
    private final Map<String, Integer> groupCoordinators = new LinkedHashMap<>();
    private boolean inFlight;
    private long backoffUntil;
    /** The aborting END_TRANSACTION op waiting for its epoch bump (InitProducerId with the current id). */
    private TransactionOp bumpEpoch;
    /** The ADD_OFFSETS operation whose AddOffsetsToTxn succeeded (its TxnOffsetCommit is next). */
    private TransactionOp offsetsAdded;

    TransactionRequests(Transactions txn, NetworkIo network, IdempotenceState idempotence,
                        RecordAccumulator accumulator, long retryBackoffMs) {
        this.txn = txn;
        this.network = network;
        this.idempotence = idempotence;
        this.accumulator = accumulator;
        this.retryBackoffMs = retryBackoffMs;
    }

    /** One step: fails batches a doomed transaction holds, then sends the next request if none is in flight. */
    void poll(long now) {
        if (txn.failsQueuedBatches()) {
            accumulator.failQueued(txn.queuedBatchError());
        }
        if (inFlight || now < backoffUntil) {
            return;
        }
        TransactionOp op = txn.nextOp();
        boolean initializing = op != null && op.kind() == TransactionOp.Kind.INIT_PRODUCER_ID;
        Set<TopicPartition> toAdd = txn.partitionsToAdd();
        if (!toAdd.isEmpty() && !initializing) {
            withCoordinator(now, node -> addPartitions(node, toAdd, now));
            return;
        }
        if (op == null) {
            return;
        }
        switch (op.kind()) {
            case INIT_PRODUCER_ID -> withCoordinator(now, node -> initProducerId(node, op, now));
            case ADD_OFFSETS -> {
                if (offsetsAdded != op) {
                    withCoordinator(now, node -> addOffsets(node, op, now));
                } else {
                    withGroupCoordinator(op.group().groupId(), now, node -> txnOffsetCommit(node, op, now));
                }
            }
            case END_TRANSACTION -> {
                if (bumpEpoch == op) {
                    withCoordinator(now, node -> initProducerId(node, op, now));
                    return;
                }
                if (accumulator.hasIncomplete()) {
                    return; // EndTxn goes once every batch of the transaction is done
                }
                if (!txn.startedOnCoordinator()) {
                    ended(op); // nothing reached the coordinator: nothing to end there
                } else {
                    withCoordinator(now, node -> endTxn(node, op, now));
                }
            }
        }
    }

    // ---- coordinators ----

    private void withCoordinator(long now, Consumer<Integer> send) {
        if (coordinator == null) {
            findCoordinator(TRANSACTION_KEY, txn.transactionalId(), now, node -> coordinator = node);
        } else if (network.ensureConnected(coordinator, now)) {
            send.accept(coordinator);
        }
    }

    private void withGroupCoordinator(String groupId, long now, Consumer<Integer> send) {
        Integer node = groupCoordinators.get(groupId);
        if (node == null) {
            findCoordinator(GROUP_KEY, groupId, now, found -> groupCoordinators.put(groupId, found));
        } else if (network.ensureConnected(node, now)) {
            send.accept(node);
        }
    }

    private void findCoordinator(byte keyType, String key, long now, Consumer<Integer> found) {
        Integer node = network.leastLoadedReadyNode();
        if (node == null) {
            List<Integer> known = new ArrayList<>();
            network.knownNodes().forEach(known::add);
            network.connectNext(known, now);
            return;
        }
        short version = network.version(node, ApiKeys.FIND_COORDINATOR);
        FindCoordinatorRequestData request = version >= 4
                ? new FindCoordinatorRequestData().setKeyType(keyType).setCoordinatorKeys(List.of(key))
                : new FindCoordinatorRequestData().setKeyType(keyType).setKey(key);
        send(node, ApiKeys.FIND_COORDINATOR, Short.MAX_VALUE, request, body -> {
            FindCoordinatorResponseData r = (FindCoordinatorResponseData) body;
            Errors error;
            int id;
            String host;
            int port;
            if (!r.coordinators().isEmpty()) {
                FindCoordinatorResponseData.Coordinator c = r.coordinators().get(0);
                error = Errors.forCode(c.errorCode());
                id = c.nodeId();
                host = c.host();
                port = c.port();
            } else {
                error = Errors.forCode(r.errorCode());
                id = r.nodeId();
                host = r.host();
                port = r.port();
            }
            if (error == Errors.NONE) {
                network.address(id, host, port);
                found.accept(id);
            } else {
                handleError(error, "FindCoordinator for " + key, null);
            }
        }, now);
    }

    // ---- requests ----

    private void initProducerId(int node, TransactionOp op, long now) {
        boolean bump = idempotence.hasProducerId();
        InitProducerIdRequestData request = new InitProducerIdRequestData()
                .setTransactionalId(txn.transactionalId()).setTransactionTimeoutMs(txn.transactionTimeoutMs())
                .setProducerId(bump ? idempotence.producerId() : -1L)
                .setProducerEpoch(bump ? idempotence.epoch() : (short) -1);
        send(node, ApiKeys.INIT_PRODUCER_ID, Short.MAX_VALUE, request, body -> {
            InitProducerIdResponseData r = (InitProducerIdResponseData) body;
            Errors error = Errors.forCode(r.errorCode());
            if (error == Errors.NONE) {
                idempotence.restartAll(r.producerId(), r.producerEpoch());
                LOG.info("Transactional id {}: producer id {} epoch {}", txn.transactionalId(), r.producerId(),
                        r.producerEpoch());
                if (bumpEpoch == op) {
                    bumpEpoch = null;
                    txn.epochBumped();
                }
                txn.opDone(op);
            } else {
                handleError(error, "InitProducerId", op);
            }
        }, now);
    }

    private void addPartitions(int node, Set<TopicPartition> partitions, long now) {
        AddPartitionsToTxnRequestData.AddPartitionsToTxnTopicCollection topics =
                new AddPartitionsToTxnRequestData.AddPartitionsToTxnTopicCollection();
        for (TopicPartition tp : partitions) {
            AddPartitionsToTxnRequestData.AddPartitionsToTxnTopic t = topics.find(tp.topic());
            if (t == null) {
                t = new AddPartitionsToTxnRequestData.AddPartitionsToTxnTopic().setName(tp.topic());
                topics.add(t);
            }
            t.partitions().add(tp.partition());
        }
        AddPartitionsToTxnRequestData request = new AddPartitionsToTxnRequestData()
                .setV3AndBelowTransactionalId(txn.transactionalId()).setV3AndBelowProducerId(idempotence.producerId())
                .setV3AndBelowProducerEpoch(idempotence.epoch()).setV3AndBelowTopics(topics);
        send(node, ApiKeys.ADD_PARTITIONS_TO_TXN, MAX_ADD_PARTITIONS_VERSION, request, body -> {
            AddPartitionsToTxnResponseData r = (AddPartitionsToTxnResponseData) body;
            Errors worst = Errors.NONE;
            for (AddPartitionsToTxnResponseData.AddPartitionsToTxnTopicResult t : r.resultsByTopicV3AndBelow()) {
                for (AddPartitionsToTxnResponseData.AddPartitionsToTxnPartitionResult p : t.resultsByPartition()) {
                    Errors e = Errors.forCode(p.partitionErrorCode());
                    if (e != Errors.NONE && e != Errors.OPERATION_NOT_ATTEMPTED) {
                        worst = e;
                    }
                }
            }
            if (worst == Errors.NONE) {
                txn.partitionsAdded(partitions);
            } else if (worst == Errors.CONCURRENT_TRANSACTIONS) {
                backoffUntil = System.currentTimeMillis() + CONCURRENT_TRANSACTIONS_BACKOFF_MS;
            } else {
                handleError(worst, "AddPartitionsToTxn " + partitions, null);
            }
        }, now);
    }

    private void addOffsets(int node, TransactionOp op, long now) {
        AddOffsetsToTxnRequestData request = new AddOffsetsToTxnRequestData()
                .setTransactionalId(txn.transactionalId()).setProducerId(idempotence.producerId())
                .setProducerEpoch(idempotence.epoch()).setGroupId(op.group().groupId());
        send(node, ApiKeys.ADD_OFFSETS_TO_TXN, MAX_ADD_OFFSETS_VERSION, request, body -> {
            Errors error = Errors.forCode(((AddOffsetsToTxnResponseData) body).errorCode());
            if (error == Errors.NONE) {
                offsetsAdded = op; // the coordinator knows the transaction from now on
            } else {
                handleError(error, "AddOffsetsToTxn", op);
            }
        }, now);
    }

    private void txnOffsetCommit(int node, TransactionOp op, long now) {
        Map<String, TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic> topics = new LinkedHashMap<>();
        for (Map.Entry<TopicPartition, OffsetAndMetadata> e : op.offsets().entrySet()) {
            OffsetAndMetadata o = e.getValue();
            topics.computeIfAbsent(e.getKey().topic(), n -> new TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic()
                    .setName(n)).partitions().add(new TxnOffsetCommitRequestData.TxnOffsetCommitRequestPartition()
                    .setPartitionIndex(e.getKey().partition()).setCommittedOffset(o.offset())
                    .setCommittedLeaderEpoch(o.leaderEpoch().orElse(-1)).setCommittedMetadata(o.metadata()));
        }
        TxnOffsetCommitRequestData request = new TxnOffsetCommitRequestData()
                .setTransactionalId(txn.transactionalId()).setGroupId(op.group().groupId())
                .setProducerId(idempotence.producerId()).setProducerEpoch(idempotence.epoch())
                .setGenerationIdOrMemberEpoch(op.group().generationId()).setMemberId(op.group().memberId())
                .setGroupInstanceId(op.group().groupInstanceId().orElse(null))
                .setTopics(new ArrayList<>(topics.values()));
        String groupId = op.group().groupId();
        send(node, ApiKeys.TXN_OFFSET_COMMIT, MAX_TXN_OFFSET_COMMIT_VERSION, request, body -> {
            Errors worst = Errors.NONE;
            for (TxnOffsetCommitResponseData.TxnOffsetCommitResponseTopic t : ((TxnOffsetCommitResponseData) body).topics()) {
                for (TxnOffsetCommitResponseData.TxnOffsetCommitResponsePartition p : t.partitions()) {
                    if (p.errorCode() != Errors.NONE.code()) {
                        worst = Errors.forCode(p.errorCode());
                    }
                }
            }
            switch (worst) {
                case NONE -> {
                    offsetsAdded = null;
                    txn.opDone(op);
                }
                case NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE, REQUEST_TIMED_OUT -> {
                    groupCoordinators.remove(groupId);
                    backoffUntil = System.currentTimeMillis() + retryBackoffMs;
                }
                case UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION, FENCED_INSTANCE_ID -> txn.abortableError(
                        new CommitFailedException("Transaction offset commit failed: " + worst.message()
                                + "; the consumer's group membership changed"));
                default -> handleError(worst, "TxnOffsetCommit", op);
            }
        }, now);
    }

    private void endTxn(int node, TransactionOp op, long now) {
        EndTxnRequestData request = new EndTxnRequestData().setTransactionalId(txn.transactionalId())
                .setProducerId(idempotence.producerId()).setProducerEpoch(idempotence.epoch())
                .setCommitted(op.commit());
        send(node, ApiKeys.END_TXN, MAX_END_TXN_VERSION, request, body -> {
            Errors error = Errors.forCode(((EndTxnResponseData) body).errorCode());
            if (error == Errors.NONE) {
                ended(op);
            } else {
                handleError(error, op.commit() ? "EndTxn(commit)" : "EndTxn(abort)", op);
            }
        }, now);
    }

    /**
     * The transaction ended. After an abort that left a sequence gap (a batch failed for good), a new epoch from
     * the coordinator (KIP-360) restarts every sequence before the abort returns.
     */
    private void ended(TransactionOp op) {
        if (!op.commit() && txn.epochBumpRequired()) {
            bumpEpoch = op;
            return;
        }
        txn.opDone(op);
    }

    // ---- plumbing ----

    private void send(int node, ApiKeys key, short maxVersion, ApiMessage request, Consumer<ApiMessage> onResponse,
                      long now) {
        inFlight = true;
        network.send(node, key, maxVersion, request, true, new ResponseHandler() {
            @Override
            public void onResponse(ApiMessage body) {
                inFlight = false;
                onResponse.accept(body);
                network.wakeup();
            }

            @Override
            public void onFailure(RuntimeException error) {
                inFlight = false;
                LOG.debug("{} to node {} failed: {}", key, node, error.toString());
                if (key != ApiKeys.FIND_COORDINATOR) {
                    coordinator = null;
                    groupCoordinators.clear();
                }
                backoffUntil = System.currentTimeMillis() + retryBackoffMs;
            }
        }, now);
    }

    /** {@code op}: the operation that failed (fatal errors during InitProducerId end it), null for others. */
    private void handleError(Errors error, String what, TransactionOp op) {
        long now = System.currentTimeMillis();
        switch (error) {
            case NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE -> {
                coordinator = null;
                backoffUntil = now + retryBackoffMs;
            }
            case COORDINATOR_LOAD_IN_PROGRESS, CONCURRENT_TRANSACTIONS, UNKNOWN_TOPIC_OR_PARTITION,
                 REQUEST_TIMED_OUT -> backoffUntil = now + retryBackoffMs;
            case INVALID_PRODUCER_EPOCH, PRODUCER_FENCED -> txn.fatalError(new ProducerFencedException(
                    what + ": there is a newer producer with the same transactionalId " + txn.transactionalId()));
            case TRANSACTIONAL_ID_AUTHORIZATION_FAILED, INVALID_TXN_STATE, INVALID_TRANSACTION_TIMEOUT,
                 CLUSTER_AUTHORIZATION_FAILED, UNSUPPORTED_VERSION, UNSUPPORTED_FOR_MESSAGE_FORMAT ->
                    txn.fatalError(error.exception(what + " failed: " + error.message()));
            default -> {
                boolean abortCannotFail = op != null && (op.kind() == TransactionOp.Kind.INIT_PRODUCER_ID
                        || op == bumpEpoch || (op.kind() == TransactionOp.Kind.END_TRANSACTION && !op.commit()));
                if (error.exception() instanceof RetriableException) {
                    backoffUntil = now + retryBackoffMs;
                } else if (abortCannotFail) {
                    // no transaction left to abort: getting a producer id or aborting failed for good
                    txn.fatalError(error.exception(what + " failed: " + error.message()));
                } else {
                    LOG.warn("{} failed: {}; the transaction must be aborted", what, error);
                    txn.abortableError(new KafkaException(what + " failed: " + error.message(),
                            error.exception()));
                }
            }
        }
    }
}
