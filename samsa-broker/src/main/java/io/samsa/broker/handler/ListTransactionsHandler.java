package io.samsa.broker.handler;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.ListTransactionsRequestData;
import org.apache.kafka.common.message.ListTransactionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.resource.ResourceType;

import io.samsa.broker.api.ApiHandler;
import io.samsa.broker.api.ApiVersionRange;
import io.samsa.broker.api.RequestContext;
import io.samsa.broker.txn.TransactionCoordinator;
import io.samsa.broker.txn.TxnRecord;
import io.samsa.broker.txn.TxnState;

/**
 * ListTransactions (v0–2): the ids this broker coordinates, filtered by state names (unknown names are echoed back
 * in {@code unknownStateFilters}), producer ids, v1's minimum running time and v2's id pattern (a Java regular
 * expression, as Kafka's; an invalid one answers INVALID_REGULAR_EXPRESSION).
 */
public final class ListTransactionsHandler implements ApiHandler<ListTransactionsRequestData> {
    private static final ApiVersionRange VERSIONS = ApiVersionRange.of(ApiKeys.LIST_TRANSACTIONS, 0, 2);

    private final TransactionCoordinator coordinator;
    private final LongSupplier clock;

    public ListTransactionsHandler(TransactionCoordinator coordinator, LongSupplier clock) {
        this.coordinator = coordinator;
        this.clock = clock;
    }

    @Override
    public CompletionStage<ListTransactionsResponseData> handle(RequestContext context,
                                                                ListTransactionsRequestData request) {
        ListTransactionsResponseData response = new ListTransactionsResponseData();
        Set<String> states = new HashSet<>();
        for (String name : request.stateFilters()) {
            boolean known = false;
            for (TxnState s : TxnState.values()) {
                known |= s.displayName().equals(name);
            }
            if (known) {
                states.add(name);
            } else {
                response.unknownStateFilters().add(name);
            }
        }
        Set<Long> producers = new HashSet<>(request.producerIdFilters());
        Pattern pattern;
        try {
            String p = request.transactionalIdPattern();
            pattern = p == null || p.isEmpty() ? null : Pattern.compile(p);
        } catch (PatternSyntaxException e) {
            return java.util.concurrent.CompletableFuture.completedFuture(
                    response.setErrorCode(Errors.INVALID_REGULAR_EXPRESSION.code()));
        }
        long minDurationMs = request.durationFilter();
        return coordinator.list().thenApply(all -> {
            long now = clock.getAsLong();
            for (TxnRecord r : all) {
                boolean match = (request.stateFilters().isEmpty() || states.contains(r.state().displayName()))
                        && (producers.isEmpty() || producers.contains(r.producerId()))
                        && (minDurationMs < 0 || (r.startMs() >= 0 && now - r.startMs() >= minDurationMs))
                        && (pattern == null || pattern.matcher(r.transactionalId()).matches())
                        && context.canSee(AclOperation.DESCRIBE, ResourceType.TRANSACTIONAL_ID, r.transactionalId());
                if (match) {
                    response.transactionStates().add(new ListTransactionsResponseData.TransactionState()
                            .setTransactionalId(r.transactionalId()).setProducerId(r.producerId())
                            .setTransactionState(r.state().displayName()));
                }
            }
            return response;
        });
    }

    @Override
    public ApiVersionRange versions() {
        return VERSIONS;
    }
}
