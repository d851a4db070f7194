package io.samsa.broker.handler;

import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.ToIntFunction;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.AddOffsetsToTxnRequestData;
import org.apache.kafka.common.message.AddOffsetsToTxnResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.resource.ResourceType;

import io.samsa.broker.api.ApiHandler;
import io.samsa.broker.api.ApiVersionRange;
import io.samsa.broker.api.RequestContext;
import io.samsa.broker.group.OffsetsTopic;
import io.samsa.broker.txn.TransactionCoordinator;

/**
 * AddOffsetsToTxn (v0–3): adds the group's {@code __consumer_offsets} partition to the transaction, so that the
 * commit or abort marker reaches the offsets the producer then sends with TxnOffsetCommit (which the broker then
 * verifies against the transaction, as it verifies a transactional Produce).
 */
public final class AddOffsetsToTxnHandler implements ApiHandler<AddOffsetsToTxnRequestData> {
    private static final ApiVersionRange VERSIONS = ApiVersionRange.of(ApiKeys.ADD_OFFSETS_TO_TXN, 0, 3);

    private final TransactionCoordinator coordinator;
    private final ToIntFunction<String> offsetsPartitionFor;

    public AddOffsetsToTxnHandler(TransactionCoordinator coordinator, ToIntFunction<String> offsetsPartitionFor) {
        this.coordinator = coordinator;
        this.offsetsPartitionFor = offsetsPartitionFor;
    }

    @Override
    public CompletionStage<AddOffsetsToTxnResponseData> handle(RequestContext context,
                                                               AddOffsetsToTxnRequestData request) {
        context.require(AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, request.transactionalId());
        context.require(AclOperation.READ, ResourceType.GROUP, request.groupId());
        TopicPartition offsets = new TopicPartition(OffsetsTopic.NAME,
                offsetsPartitionFor.applyAsInt(request.groupId()));
        return coordinator.addPartitions(request.transactionalId(), request.producerId(), request.producerEpoch(),
                Set.of(offsets)).thenApply(error -> new AddOffsetsToTxnResponseData().setErrorCode(error.code()));
    }

    @Override
    public ApiVersionRange versions() {
        return VERSIONS;
    }
}
