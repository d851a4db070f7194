package io.samsa.clients.consumer.group;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.common.errors.CoordinatorNotAvailableException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

import io.samsa.clients.consumer.io.ConsumerIo;
import io.samsa.clients.consumer.io.Waiter;

/**
 * Where the group's coordinator is: found with FindCoordinator, forgotten on NOT_COORDINATOR, disconnects and
 * timeouts. Requests to it go over a connection of their own, so they never queue behind a long-polling Fetch.
 */
public final class Coordinator {
    private final String groupId;
    private final ConsumerIo io;
    private final Waiter waiter;
    private final long retryBackoffMs;
    private volatile Integer connectionId;
    private CompletableFuture<ConsumerIo.Response> finding;

    Coordinator(String groupId, ConsumerIo io, long retryBackoffMs) {
        this.groupId = groupId;
        this.io = io;
        this.waiter = io.waiter();
        this.retryBackoffMs = retryBackoffMs;
    }

    /** The coordinator's connection id, or null while unknown. */
    public Integer connection() {
        return connectionId;
    }

    public void markUnknown() {
        connectionId = null;
    }

    /** Finds the coordinator (application thread), waiting at most until {@code deadlineMs}; false if not found. */
    public boolean ensureKnown(long deadlineMs) {
        while (connectionId == null) {
            if (finding == null) {
                finding = io.request(ConsumerIo.ANY_NODE, ApiKeys.FIND_COORDINATOR, version -> version >= 4
                        ? new FindCoordinatorRequestData().setKeyType((byte) 0).setCoordinatorKeys(List.of(groupId))
                        : new FindCoordinatorRequestData().setKey(groupId));
            }
            if (!waiter.await(finding::isDone, deadlineMs)) {
                return false;
            }
            CompletableFuture<ConsumerIo.Response> f = finding;
            finding = null;
            try {
                ConsumerIo.Response r = f.join();
                FindCoordinatorResponseData data = (FindCoordinatorResponseData) r.body();
                Errors error;
                int node;
                String host;
                int port;
                if (r.version() >= 4) {
                    FindCoordinatorResponseData.Coordinator c = data.coordinators().get(0);
                    error = Errors.forCode(c.errorCode());
                    node = c.nodeId();
                    host = c.host();
                    port = c.port();
                } else {
                    error = Errors.forCode(data.errorCode());
                    node = data.nodeId();
                    host = data.host();
                    port = data.port();
                }
                if (error == Errors.GROUP_AUTHORIZATION_FAILED) {
                    throw new GroupAuthorizationException("Not authorized to access group " + groupId);
                }
                if (error == Errors.NONE) {
                    int id = ConsumerIo.coordinatorConnectionId(node);
                    io.execute(() -> io.network().address(id, host, port));
                    connectionId = id;
                    return true;
                }
            } catch (RuntimeException e) {
                if (e instanceof GroupAuthorizationException) {
                    throw e;
                }
                // retriable: disconnect, timeout, COORDINATOR_NOT_AVAILABLE
            }
            waiter.await(() -> false, Math.min(deadlineMs, System.currentTimeMillis() + retryBackoffMs));
        }
        return true;
    }

    /** Sends to the coordinator; a failed connection forgets it. */
    CompletableFuture<ConsumerIo.Response> send(ApiKeys key, ConsumerIo.RequestBuilder builder) {
        Integer id = connectionId;
        if (id == null) {
            return CompletableFuture.failedFuture(new CoordinatorNotAvailableException("Coordinator unknown"));
        }
        return io.request(id, key, builder).whenComplete((r, e) -> {
            if (e != null) {
                markUnknownIf(id);
            }
        });
    }

    void markUnknownIf(int id) {
        Integer current = connectionId;
        if (current != null && current == id) {
            connectionId = null;
        }
    }
}
