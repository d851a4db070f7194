package io.samsa.metadata.quorum;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.samsa.metadata.MetadataCommitListener;
import io.samsa.metadata.MetadataImage;
import io.samsa.metadata.MetadataRecord;
import org.apache.kafka.common.errors.NotControllerException;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metadata quorum as a broker-only node takes part in it (KRaft's observer): it votes in nothing and stores
 * nothing, but follows the committed metadata through the voters' {@link MetadataFeed}, long-polling one voter at
 * a time — the leader once one is known, another voter when that one fails or does not answer in time — and
 * applies what it learns through the same {@link MetadataCommitListener} as a voter does: the first answer (or one
 * after falling behind the voter's kept batches) is the voter's whole image, later ones the batches committed
 * since. Controller calls go to the leader the feed last named ({@link LeaderCalls}); while none is known, to
 * each voter in turn.
 * <p>
 * Threads: the feed runs on {@code samsa-metadata-observer-<id>}, which also applies; calls as in
 * {@link LeaderCalls}.
 */
public final class QuorumObserver implements QuorumMember {
    private static final Logger log = LoggerFactory.getLogger(QuorumObserver.class);
    /** How long a voter holds a feed request with nothing new (the observer asks again at once). */
    static final int FEED_WAIT_MS = 1_000;
    /** A voter that answers a feed request no sooner than this is treated as gone (frozen or cut off). */
    private static final long FEED_TIMEOUT_MS = FEED_WAIT_MS + 1_500;
    private static final long RETRY_MS = 100;
    private static final long CALL_DEADLINE_MS = 5_000;
    private static final long STATUS_TIMEOUT_MS = 2_000;

    private final int nodeId;
    private final List<RaftPeerId> voters = new ArrayList<>();
    private final RaftGroup group;
    /** Null: plaintext. */
    private final QuorumTls tls;
    private volatile MetadataCommitListener listener;
    private volatile RaftClient feedClient;
    private volatile RaftClient callClient;
    private volatile LeaderCalls leaderCalls;
    private volatile Thread feedThread;
    private volatile boolean closed;
    private volatile RaftPeerId leader;
    private volatile long lastFeedMs = -1;
    private volatile long quorumOffset = -1;
    private int nextVoter; // feed thread and callers; a racy rotation is harmless

    /** @param voters {@code controller.quorum.voters}: id → the voter's CONTROLLER listener address */
    public QuorumObserver(int nodeId, Map<Integer, InetSocketAddress> voters) {
        this(nodeId, voters, null);
    }

    /** @param tls TLS to the voters (their CONTROLLER listener is SSL); null: plaintext */
    public QuorumObserver(int nodeId, Map<Integer, InetSocketAddress> voters, QuorumTls tls) {
        if (voters.containsKey(nodeId)) {
            throw new IllegalArgumentException("Node " + nodeId + " is a voter, not an observer");
        }
        this.nodeId = nodeId;
        this.tls = tls;
        List<RaftPeer> peers = new ArrayList<>();
        new TreeMap<>(voters).forEach((id, address) -> {
            RaftPeerId peer = RaftPeerId.valueOf(Integer.toString(id));
            this.voters.add(peer);
            peers.add(RaftPeer.newBuilder().setId(peer).setAddress(address.getHostString() + ":" + address.getPort())
                    .build());
        });
        this.group = RaftGroup.valueOf(QuorumConfig.GROUP_ID, peers);
    }

    /** Starts following the quorum; returns at once (the image arrives with the first answer). */
    @Override
    public synchronized void start(MetadataCommitListener listener) {
        if (this.listener != null) {
            throw new IllegalStateException("Already started");
        }
        this.listener = listener;
        feedClient = client(FEED_TIMEOUT_MS);
        callClient = client(3_000);
        leaderCalls = new LeaderCalls(callClient, this::callTarget, CALL_DEADLINE_MS,
                "samsa-controller-calls-" + nodeId);
        Thread t = new Thread(this::follow, "samsa-metadata-observer-" + nodeId);
        t.setDaemon(true);
        feedThread = t;
        t.start();
        log.info("Node {} follows the metadata quorum as an observer over {} (voters {})", nodeId,
                tls == null ? "PLAINTEXT" : "TLS", voters);
    }

    private RaftClient client(long requestTimeoutMs) {
        RaftProperties p = new RaftProperties();
        RaftConfigKeys.Rpc.setType(p, SupportedRpcType.GRPC);
        RaftClientConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(requestTimeoutMs, TimeUnit.MILLISECONDS));
        return RaftClient.newBuilder().setClientId(ClientId.randomId()).setRaftGroup(group).setProperties(p)
                .setParameters(QuorumTls.parameters(tls))
                .setRetryPolicy(RetryPolicies.noRetry()) // this class chooses the next voter itself
                .build();
    }

    /** The feed loop: one request at a time, to the leader if known, else to the next voter. */
    private void follow() {
        RaftPeerId target = null;
        while (!closed) {
            if (target == null) {
                target = leader != null ? leader : rotate();
            }
            try {
                FeedMessages.Reply reply = fetch(target, listener.image().offset());
                lastFeedMs = System.currentTimeMillis();
                apply(reply);
                RaftPeerId named = reply.leaderId() < 0 ? null : RaftPeerId.valueOf(Integer.toString(reply.leaderId()));
                learnLeader(named);
                if (named != null && !named.equals(target)) {
                    target = named; // the leader has the freshest commits and reports observers
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                if (closed) {
                    return;
                }
                log.debug("Metadata feed from voter {} failed: {}", target, e.toString());
                if (target.equals(leader)) {
                    leader = null; // ask the others who leads now
                }
                target = rotate();
                sleep(RETRY_MS);
            }
        }
    }

    private FeedMessages.Reply fetch(RaftPeerId target, long fromOffset) throws Exception {
        RaftClient c = feedClient;
        CompletableFuture<RaftClientReply> sent = c.async().sendStaleRead(
                QuorumMessages.feed(nodeId, fromOffset, FEED_WAIT_MS), 0, target);
        RaftClientReply reply;
        try {
            reply = sent.get(FEED_TIMEOUT_MS + 500, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? unwrap(e.getCause()) : e;
            if (c.getClientRpc().shouldReconnect(cause)) {
                c.getClientRpc().handleException(target, cause, true); // no client retries reset it otherwise
            }
            throw e;
        }
        if (!reply.isSuccess()) {
            throw reply.getException();
        }
        return FeedMessages.reply(QuorumMessages.unwrap(reply.getMessage()));
    }

    private void apply(FeedMessages.Reply reply) {
        MetadataCommitListener l = listener;
        if (reply.isSnapshot()) {
            if (reply.offset() <= l.image().offset()) {
                return; // a voter behind this node
            }
            if (l.image().offset() < 0) {
                l.replayed(reply.snapshot(), reply.offset());
                l.finishReplay();
                log.info("Node {} loaded the metadata image at offset {}", nodeId, reply.offset());
            } else {
                l.reloaded(reply.snapshot(), reply.offset());
                log.info("Node {} reloaded the metadata image at offset {} (it was behind the voters' recent "
                        + "batches)", nodeId, reply.offset());
            }
            quorumOffset = Math.max(quorumOffset, reply.offset());
            return;
        }
        for (FeedMessages.Batch b : reply.batches()) {
            if (b.lastOffset() <= l.image().offset()) {
                continue;
            }
            try {
                l.committed(b.records(), b.lastOffset());
            } catch (RuntimeException e) {
                // Rejected here exactly as on every voter (same image, same batch); the offset moved past it.
                log.debug("Metadata batch at {} rejected: {}", b.lastOffset(), e.getMessage());
            }
        }
        quorumOffset = Math.max(quorumOffset, reply.offset());
    }

    private void learnLeader(RaftPeerId named) {
        if (named == null || named.equals(leader)) {
            return;
        }
        leader = named;
        log.info("Metadata quorum leader is node {} (seen by observer {})", named, nodeId);
        LeaderCalls calls = leaderCalls;
        if (calls != null) {
            calls.leaderChanged(named);
        }
    }

    private synchronized RaftPeerId rotate() {
        RaftPeerId next = voters.get(nextVoter % voters.size());
        nextVoter++;
        return next;
    }

    /** Where a controller call goes: the leader the feed named, else the next voter (its answer redirects). */
    private RaftPeerId callTarget() {
        RaftPeerId l = leader;
        return l != null ? l : rotate();
    }

    private void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Observers never append: only the active controller writes the metadata log. */
    @Override
    public CompletionStage<Long> append(List<MetadataRecord> records) {
        return CompletableFuture.failedFuture(new NotControllerException(
                "Node " + nodeId + " is a broker-only node; only the active controller appends"));
    }

    /** The voters keep the log and its snapshots; an observer keeps nothing. */
    @Override
    public void maybeSnapshot(MetadataImage image) {
    }

    @Override
    public CompletionStage<byte[]> call(byte[] request) {
        return LeaderCalls.call(leaderCalls, request, "Metadata quorum not followed yet");
    }

    @Override
    public boolean isActive() {
        return false;
    }

    @Override
    public int leaderId() {
        RaftPeerId l = leader;
        return l == null ? -1 : Integer.parseInt(l.toString());
    }

    /**
     * The quorum as its leader sees it (voters and observers), asked of the leader; while it does not answer, what
     * this node knows: the leader, the latest offset a voter reported, and its own progress.
     */
    @Override
    public QuorumStatus status() {
        RaftPeerId l = leader;
        RaftClient c = feedClient;
        if (l != null && c != null) {
            try {
                RaftClientReply reply = c.async().sendStaleRead(QuorumMessages.status(), 0, l)
                        .get(STATUS_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                if (reply.isSuccess()) {
                    return QuorumStatusCodec.decode(QuorumMessages.unwrap(reply.getMessage()));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException | RuntimeException e) {
                log.debug("Quorum status from leader {} failed: {}", l, e.toString());
            }
        }
        return localStatus();
    }

    private QuorumStatus localStatus() {
        MetadataCommitListener l = listener;
        long offset = l == null ? -1 : l.image().offset();
        List<QuorumStatus.ReplicaState> voterStates = new ArrayList<>();
        voters.forEach(v -> voterStates.add(new QuorumStatus.ReplicaState(Integer.parseInt(v.toString()), -1, -1,
                -1)));
        long fetched = lastFeedMs;
        return new QuorumStatus(leaderId(), -1, quorumOffset, voterStates, List.of(new QuorumStatus.ReplicaState(
                nodeId, offset, fetched, offset >= quorumOffset ? fetched : -1)));
    }

    @Override
    public void close() throws IOException {
        closed = true;
        Thread t = feedThread;
        if (t != null) {
            t.interrupt();
        }
        LeaderCalls calls = leaderCalls;
        if (calls != null) {
            calls.close();
        }
        for (RaftClient c : new RaftClient[] {feedClient, callClient}) {
            if (c != null) {
                c.close();
            }
        }
        if (t != null) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
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
