package io.samsa.metadata.quorum;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.apache.kafka.common.errors.NotControllerException;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.NotLeaderException;

/**
 * Carries controller calls to the quorum leader this node knows of. Every caller is a voter, so its own Raft
 * server learns of a new leader as soon as one is elected; a call in flight to another node is then sent again to
 * the new leader at once. The reason: a frozen leader (SIGSTOP, a long GC pause, a hung machine) keeps its
 * connections open, so a call to it neither fails nor answers until the request timeout — longer than a broker
 * session, which would get live brokers fenced by the new controller while their heartbeats wait on the old one.
 * <p>
 * A call that a leader answers NOT_CONTROLLER (elected, not active yet), or that gets no answer (no leader, the
 * request timed out, the node was not the leader after all), is sent again {@link #RETRY_MS} later to the leader known
 * then, until {@code deadlineMs} has passed: then it fails with NotControllerException. Any other Kafka error in the
 * answer fails the call as it is. A call is sent again only when its target stops being the leader or failed, so
 * a slow but live leader is not asked twice.
 * <p>
 * Threads: any thread calls; answers arrive on Ratis's gRPC client threads, retries run on the common pool's
 * thread ({@code samsa-controller-calls-<id>}) and leader changes on a Ratis thread. Each call guards its own state.
 */
final class LeaderCalls {
    static final long RETRY_MS = 100;

    private final RaftClient client;
    private final Supplier<RaftPeerId> knownLeader;
    private final long deadlineMs;
    private final Set<PendingCall> inFlight = ConcurrentHashMap.newKeySet();
    /** Retries wait here, not on the common pool, which a blocking caller elsewhere could starve. */
    private final ScheduledExecutorService retries;

    /**
     * @param client a Ratis client without retries of its own: this class decides where a call goes next
     * @param knownLeader the leader this node's Raft server knows of, null while there is none
     */
    LeaderCalls(RaftClient client, Supplier<RaftPeerId> knownLeader, long deadlineMs, String threadName) {
        this.client = client;
        this.knownLeader = knownLeader;
        this.deadlineMs = deadlineMs;
        this.retries = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
    }

    /** Fails the calls still in flight (the node is closing). */
    void close() {
        retries.shutdownNow();
        inFlight.forEach(call -> call.result.completeExceptionally(
                new NotControllerException("Metadata quorum member closed")));
    }

    /** {@code calls.call(request)}, or NotControllerException({@code notStarted}) before a node has its calls. */
    static CompletableFuture<byte[]> call(LeaderCalls calls, byte[] request, String notStarted) {
        return calls == null ? CompletableFuture.failedFuture(new NotControllerException(notStarted))
                : calls.call(request);
    }

    CompletableFuture<byte[]> call(byte[] request) {
        PendingCall call = new PendingCall(request, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(deadlineMs));
        inFlight.add(call);
        call.result.whenComplete((r, e) -> inFlight.remove(call));
        call.send(knownLeader.get());
        return call.result;
    }

    /** This node learned of a new quorum leader: calls waiting on another node go to it now. */
    void leaderChanged(RaftPeerId leader) {
        if (leader != null) {
            inFlight.forEach(call -> call.redirect(leader));
        }
    }

    private final class PendingCall {
        final byte[] request;
        final long deadlineNanos;
        final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private RaftPeerId target; // guarded by this
        private int attempt; // guarded by this; an answer to an earlier attempt is ignored

        PendingCall(byte[] request, long deadlineNanos) {
            this.request = request;
            this.deadlineNanos = deadlineNanos;
        }

        synchronized void send(RaftPeerId to) {
            if (result.isDone()) {
                return;
            }
            int thisAttempt = ++attempt;
            target = to;
            if (to == null) {
                retryLater(new NotControllerException("No metadata quorum leader is known"));
                return;
            }
            client.async().sendReadOnlyUnordered(QuorumMessages.call(request), to)
                    .whenComplete((reply, error) -> answered(thisAttempt, to, reply, error));
        }

        synchronized void redirect(RaftPeerId leader) {
            if (target != null && !target.equals(leader)) {
                send(leader);
            }
        }

        private void answered(int answeredAttempt, RaftPeerId to, RaftClientReply reply, Throwable error) {
            if (error != null && client.getClientRpc().shouldReconnect(unwrap(error))) {
                // Without the client's own retries nobody else resets a broken connection: Ratis would answer
                // every later call to that node with AlreadyClosedException.
                client.getClientRpc().handleException(to, unwrap(error), true);
            }
            synchronized (this) {
                if (answeredAttempt != attempt) {
                    return; // superseded: already sent to a newer leader
                }
                target = null; // an answer arrived, so a leader change need not resend it
            }
            if (error != null || !reply.isSuccess()) {
                Throwable cause = error != null ? unwrap(error) : reply.getException();
                RaftPeerId suggested = cause instanceof NotLeaderException nle && nle.getSuggestedLeader() != null
                        ? nle.getSuggestedLeader().getId() : null;
                retryLater(cause, suggested);
                return;
            }
            try {
                result.complete(QuorumMessages.unwrap(reply.getMessage()));
            } catch (NotControllerException e) {
                retryLater(e); // the leader's controller is not active yet, or just resigned
            } catch (RuntimeException e) {
                result.completeExceptionally(e); // the Kafka error of a rejected call
            }
        }

        private void retryLater(Throwable cause) {
            retryLater(cause, null);
        }

        private void retryLater(Throwable cause, RaftPeerId suggested) {
            if (System.nanoTime() - deadlineNanos > 0) {
                result.completeExceptionally(new NotControllerException(
                        "No active controller answered within " + deadlineMs + " ms: " + cause));
                return;
            }
            try {
                retries.schedule(() -> {
                    RaftPeerId leader = knownLeader.get();
                    send(leader != null ? leader : suggested);
                }, RETRY_MS, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                result.completeExceptionally(new NotControllerException("Metadata quorum member closed"));
            }
        }
    }

    private static Throwable unwrap(Throwable t) {
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
