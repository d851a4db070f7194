package io.samsa.broker.lifecycle;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.ToIntFunction;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTopic;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTopicCollection;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTransaction;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTransactionCollection;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.samsa.broker.replica.TransactionVerifier;
import io.samsa.broker.replica.fetcher.BrokerAddresses;
import io.samsa.network.client.ResponseHandler;

/**
 * A partition leader's verification of transactional batches in a cluster (KIP-890), as Kafka's
 * AddPartitionsToTxnManager: each check goes to the coordinator of the batch's transactional id (the leader of its
 * {@code __transaction_state} partition, itself included, as in Kafka) as AddPartitionsToTxn v4+ with
 * {@code verifyOnly} (or, with {@code add}, without: transaction version 2), over the inter-broker listener. The
 * checks queued for one coordinator go out together, one transaction per transactional id and epoch.
 *
 * <p>Answers: the coordinator's per partition; NETWORK_EXCEPTION when it cannot be reached within
 * {@code requestTimeoutMs} or the connection fails; COORDINATOR_NOT_AVAILABLE while the id has no coordinator;
 * NONE (unverified, as Kafka skips it) from a coordinator too old for v4. A coordinator's own write without a
 * transactional id (the group coordinator's transactional offsets) is taken unverified (NONE).
 *
 * <p>Threads: its own, {@code samsa-txn-verifier} ({@link InterBrokerSender}), owns the connections and completes
 * the futures (so the Produce that waited appends on it); {@link #verify} is called from any thread.
 */
final class TxnVerificationSender extends InterBrokerSender<TxnVerificationSender.Pending>
        implements TransactionVerifier {
    private static final Logger log = LoggerFactory.getLogger(TxnVerificationSender.class);
    static final String THREAD_NAME = "samsa-txn-verifier";
    private static final short FIRST_BROKER_VERSION = 4;

    record Pending(String transactionalId, long producerId, short producerEpoch, TopicPartition partition,
                   boolean add, CompletableFuture<Errors> done) {
    }

    private final ToIntFunction<String> coordinatorOf;

    /**
     * @param coordinatorOf the broker coordinating a transactional id in the current metadata, or -1 while none
     */
    TxnVerificationSender(ToIntFunction<String> coordinatorOf, BrokerAddresses addresses,
                                 long requestTimeoutMs) {
        super(THREAD_NAME, addresses, requestTimeoutMs);
        this.coordinatorOf = coordinatorOf;
        start();
    }

    @Override
    public CompletionStage<Errors> verify(String transactionalId, long producerId, short producerEpoch,
                                          TopicPartition partition, boolean add) {
        if (transactionalId == null) {
            return CompletableFuture.completedFuture(Errors.NONE);
        }
        if (transactionalId.isEmpty()) {
            return CompletableFuture.completedFuture(Errors.INVALID_REQUEST);
        }
        Pending check = new Pending(transactionalId, producerId, producerEpoch, partition, add,
                new CompletableFuture<>());
        if (!enqueue(check)) {
            fail(check, Failure.CLOSED);
        }
        return check.done();
    }

    @Override
    protected int destination(Pending check) {
        return coordinatorOf.applyAsInt(check.transactionalId());
    }

    @Override
    protected void fail(Pending check, Failure why) {
        check.done().complete(why == Failure.UNREACHABLE ? Errors.NETWORK_EXCEPTION
                : Errors.COORDINATOR_NOT_AVAILABLE);
    }

    /**
     * Sends the checks waiting for {@code broker}, one transaction per transactional id; a check whose id is in
     * the request already with another producer id, epoch or mode stays for the next pass.
     */
    @Override
    protected void send(int broker, List<Pending> checks, long now) {
        if (io.version(broker, ApiKeys.ADD_PARTITIONS_TO_TXN) < FIRST_BROKER_VERSION) {
            // Kafka's answer to a coordinator without the broker versions: the batch is taken unverified.
            checks.forEach(p -> p.done().complete(Errors.NONE));
            checks.clear();
            return;
        }
        AddPartitionsToTxnTransactionCollection transactions = new AddPartitionsToTxnTransactionCollection();
        List<Pending> sent = new ArrayList<>();
        for (Iterator<Pending> it = checks.iterator(); it.hasNext(); ) {
            Pending p = it.next();
            AddPartitionsToTxnTransaction txn = transactions.find(p.transactionalId());
            if (txn == null) {
                txn = new AddPartitionsToTxnTransaction().setTransactionalId(p.transactionalId())
                        .setProducerId(p.producerId()).setProducerEpoch(p.producerEpoch()).setVerifyOnly(!p.add());
                transactions.add(txn);
            } else if (txn.producerId() != p.producerId() || txn.producerEpoch() != p.producerEpoch()
                    || txn.verifyOnly() == p.add()) {
                continue;
            }
            AddPartitionsToTxnTopic topic = txn.topics().find(p.partition().topic());
            if (topic == null) {
                topic = new AddPartitionsToTxnTopic().setName(p.partition().topic());
                txn.topics().add(topic);
            }
            if (!topic.partitions().contains(p.partition().partition())) {
                topic.partitions().add(p.partition().partition());
            }
            sent.add(p);
            it.remove();
        }
        AddPartitionsToTxnRequestData request = new AddPartitionsToTxnRequestData().setTransactions(transactions);
        io.send(broker, ApiKeys.ADD_PARTITIONS_TO_TXN, request, true, new ResponseHandler() {
            @Override
            public void onResponse(ApiMessage body) {
                AddPartitionsToTxnResponseData response = (AddPartitionsToTxnResponseData) body;
                for (Pending p : sent) {
                    p.done().complete(response.errorCode() != Errors.NONE.code()
                            ? Errors.forCode(response.errorCode()) : partitionError(response, p));
                }
            }

            @Override
            public void onFailure(RuntimeException error) {
                Errors answer = error instanceof UnsupportedVersionException ? Errors.NONE : Errors.NETWORK_EXCEPTION;
                if (answer == Errors.NETWORK_EXCEPTION) {
                    log.info("Transaction verification with broker {} failed: {}", broker, error.toString());
                }
                sent.forEach(p -> p.done().complete(answer));
            }
        }, now);
    }

    private static Errors partitionError(AddPartitionsToTxnResponseData response, Pending p) {
        var txn = response.resultsByTransaction().find(p.transactionalId());
        var topic = txn == null ? null : txn.topicResults().find(p.partition().topic());
        var partition = topic == null ? null : topic.resultsByPartition().find(p.partition().partition());
        return partition == null ? Errors.UNKNOWN_SERVER_ERROR : Errors.forCode(partition.partitionErrorCode());
    }
}
