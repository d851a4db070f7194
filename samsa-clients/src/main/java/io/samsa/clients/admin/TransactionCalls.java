package io.samsa.clients.admin;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TransactionalIdNotFoundException;
import org.apache.kafka.common.message.DescribeProducersRequestData;
import org.apache.kafka.common.message.DescribeProducersResponseData;
import org.apache.kafka.common.message.DescribeTransactionsRequestData;
import org.apache.kafka.common.message.DescribeTransactionsResponseData;
import org.apache.kafka.common.message.ListTransactionsRequestData;
import org.apache.kafka.common.message.ListTransactionsResponseData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/**
 * The transaction side of {@link SamsaAdmin}: ListTransactions on every broker, DescribeTransactions on the id's
 * transaction coordinator (FindCoordinator first), DescribeProducers on the partition's leader. Not thread-safe;
 * {@link SamsaAdmin} serializes calls.
 */
final class TransactionCalls {

    private final AdminChannel channel;
    private final CoordinatorLookup coordinators;
    /** Metadata for the named topics (null: all) that also teaches the channel the brokers' addresses. */
    private final Function<List<String>, MetadataResponseData> metadata;

    TransactionCalls(AdminChannel channel, Function<List<String>, MetadataResponseData> metadata) {
        this.channel = channel;
        this.coordinators = new CoordinatorLookup(channel, CoordinatorLookup.TRANSACTION);
        this.metadata = metadata;
    }

    /**
     * ListTransactions on every broker (each lists the ids it coordinates), merged and sorted by id; empty filters
     * match everything. A state name the brokers do not know is an {@link IllegalArgumentException}.
     */
    List<TransactionListing> list(Collection<String> states, Collection<Long> producerIds, long deadlineMs) {
        Map<String, TransactionListing> out = new TreeMap<>();
        for (MetadataResponseData.MetadataResponseBroker b : metadata.apply(List.of()).brokers()) {
            ListTransactionsResponseData r = channel.call(b.nodeId(), ApiKeys.LIST_TRANSACTIONS,
                    v -> new ListTransactionsRequestData().setStateFilters(List.copyOf(states))
                            .setProducerIdFilters(List.copyOf(producerIds)), deadlineMs);
            Errors error = Errors.forCode(r.errorCode());
            if (error != Errors.NONE) {
                throw error.exception();
            }
            if (!r.unknownStateFilters().isEmpty()) {
                throw new IllegalArgumentException("Unknown transaction state " + String.join(", ",
                        r.unknownStateFilters()) + " (Empty, Ongoing, PrepareCommit, PrepareAbort, CompleteCommit, "
                        + "CompleteAbort, PrepareEpochFence, Dead)");
            }
            for (ListTransactionsResponseData.TransactionState t : r.transactionStates()) {
                out.put(t.transactionalId(), new TransactionListing(t.transactionalId(), b.nodeId(), t.producerId(),
                        t.transactionState()));
            }
        }
        return List.copyOf(out.values());
    }

    /** The id as its coordinator describes it; TransactionalIdNotFoundException when it does not know it. */
    TransactionDescription describe(String transactionalId, long deadlineMs) {
        return coordinators.onCoordinator(transactionalId, deadlineMs, node -> {
            DescribeTransactionsResponseData r = channel.call(node, ApiKeys.DESCRIBE_TRANSACTIONS,
                    v -> new DescribeTransactionsRequestData().setTransactionalIds(List.of(transactionalId)),
                    deadlineMs);
            DescribeTransactionsResponseData.TransactionState t = r.transactionStates().get(0);
            Errors error = Errors.forCode(t.errorCode());
            if (error == Errors.TRANSACTIONAL_ID_NOT_FOUND) {
                throw new TransactionalIdNotFoundException("Transactional id '" + transactionalId
                        + "' does not exist");
            }
            if (error != Errors.NONE) {
                throw error.exception("Transactional id '" + transactionalId + "': " + error.message());
            }
            List<TopicPartition> partitions = new ArrayList<>();
            t.topics().forEach(topic -> topic.partitions().forEach(p -> partitions.add(
                    new TopicPartition(topic.topic(), p))));
            partitions.sort(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
            return new TransactionDescription(node, transactionalId, t.producerId(), t.producerEpoch(),
                    t.transactionState(), t.transactionTimeoutMs(), t.transactionStartTimeMs(),
                    List.copyOf(partitions));
        });
    }

    /**
     * The producers the partition's leader keeps state for, sorted by id.
     * UnknownTopicException for an unknown topic, UnknownTopicOrPartitionException for a missing partition; a
     * leader that moved or cannot be reached is looked up again until the deadline.
     */
    List<ProducerState> producers(String topic, int partition, long deadlineMs) {
        return LeaderRetries.untilDeadline(deadlineMs, () -> {
            int leader = RecordDeletion.leader(metadata.apply(List.of(topic)), topic, partition);
            DescribeProducersRequestData request = new DescribeProducersRequestData();
            request.topics().add(new DescribeProducersRequestData.TopicRequest().setName(topic)
                    .setPartitionIndexes(List.of(partition)));
            DescribeProducersResponseData r = channel.call(leader, ApiKeys.DESCRIBE_PRODUCERS, v -> request,
                    deadlineMs);
            DescribeProducersResponseData.PartitionResponse p = r.topics().get(0).partitions().get(0);
            Errors error = Errors.forCode(p.errorCode());
            if (error != Errors.NONE) {
                throw error.exception("Topic '" + topic + "' partition " + partition + ": "
                        + (p.errorMessage() == null ? error.message() : p.errorMessage()));
            }
            List<ProducerState> out = new ArrayList<>();
            p.activeProducers().forEach(s -> out.add(new ProducerState(s.producerId(), s.producerEpoch(),
                    s.lastSequence(), s.lastTimestamp(), s.coordinatorEpoch(), s.currentTxnStartOffset())));
            out.sort(Comparator.comparingLong(ProducerState::producerId));
            return List.copyOf(out);
        });
    }
}
