package io.samsa.clients.admin;

import java.util.List;
import java.util.function.IntFunction;

import org.apache.kafka.common.errors.CoordinatorLoadInProgressException;
import org.apache.kafka.common.errors.CoordinatorNotAvailableException;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/**
 * FindCoordinator for one kind of key (a group or a transactional id), and running a call on the coordinator it
 * names: a coordinator that moved, is not available yet or is loading is looked up again until the deadline.
 * Not thread-safe; {@link SamsaAdmin} serializes calls.
 */
final class CoordinatorLookup {
    static final byte GROUP = 0;
    static final byte TRANSACTION = 1;
    private static final long RETRY_BACKOFF_MS = 100;

    private final AdminChannel channel;
    private final byte keyType;

    CoordinatorLookup(AdminChannel channel, byte keyType) {
        this.channel = channel;
        this.keyType = keyType;
    }

    /** Runs {@code call} on the key's coordinator, finding it again while it has moved or is loading. */
    <T> T onCoordinator(String key, long deadlineMs, IntFunction<T> call) {
        while (true) {
            try {
                return call.apply(find(key, deadlineMs));
            } catch (NotCoordinatorException | CoordinatorNotAvailableException
                     | CoordinatorLoadInProgressException e) {
                backOff(deadlineMs, e);
            }
        }
    }

    /** The coordinator's node id, its address learnt by the channel. */
    int find(String key, long deadlineMs) {
        while (true) {
            short[] version = new short[1];
            FindCoordinatorResponseData r = channel.call(ApiKeys.FIND_COORDINATOR, v -> {
                version[0] = v;
                return v >= 4 ? new FindCoordinatorRequestData().setKeyType(keyType).setCoordinatorKeys(List.of(key))
                        : new FindCoordinatorRequestData().setKeyType(keyType).setKey(key);
            }, deadlineMs);
            FindCoordinatorResponseData.Coordinator c = version[0] >= 4 ? r.coordinators().get(0)
                    : new FindCoordinatorResponseData.Coordinator().setErrorCode(r.errorCode())
                            .setErrorMessage(r.errorMessage()).setNodeId(r.nodeId()).setHost(r.host())
                            .setPort(r.port());
            Errors error = Errors.forCode(c.errorCode());
            if (error == Errors.NONE) {
                channel.learn(c.nodeId(), c.host(), c.port());
                return c.nodeId();
            }
            if (error != Errors.COORDINATOR_NOT_AVAILABLE && error != Errors.COORDINATOR_LOAD_IN_PROGRESS) {
                throw error.exception(c.errorMessage() == null ? error.message() : c.errorMessage());
            }
            backOff(deadlineMs, error.exception());
        }
    }

    private void backOff(long deadlineMs, RuntimeException cause) {
        String kind = keyType == GROUP ? "group" : "transaction";
        if (System.currentTimeMillis() + RETRY_BACKOFF_MS >= deadlineMs) {
            throw new TimeoutException("No " + kind + " coordinator in time: " + cause.getMessage(), cause);
        }
        try {
            Thread.sleep(RETRY_BACKOFF_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TimeoutException("Interrupted while waiting for the " + kind + " coordinator");
        }
    }
}
