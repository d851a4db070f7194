package io.samsa.metadata.quorum;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import io.samsa.metadata.AtomicFileWriter;
import io.samsa.metadata.MetadataCommitListener;
import io.samsa.metadata.MetadataImage;
import io.samsa.metadata.MetadataRecord;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.NotControllerException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.proto.RaftProtos.ServerRpcProto;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metadata log of a cluster: a Raft group of the controller voters on Apache Ratis, bound to this node's
 * CONTROLLER listener address, which is also the {@link ControllerChannel} to the active controller. The
 * metadata offset is the Raft log index of a batch; the active controller is the Raft leader.
 * <ul>
 * <li>{@link #append} sends the batch as one Raft entry (on the leader straight to its own server; from another voter
 * through Ratis's client, which finds the leader) and
 * completes with its index once it is committed AND applied on this node, or fails with the Kafka exception of a
 * rejected batch, or with NotControllerException when no leader took it in time (it may still commit later).
 * <li>{@link #call} carries a controller call to the leader's {@link ControllerRequestHandler} ({@link LeaderCalls}:
 * to the leader this node knows, sent again when another is elected); NotControllerException when no active
 * controller answers within a few seconds.
 * <li>{@link LeadershipListener}s hear {@code onBecomeActive(term)} once this node leads and has applied everything
 * committed before its term, and {@code onResign()} when it stops leading or closes.
 * <li>Snapshots: Ratis takes one every {@link QuorumConfig#snapshotThreshold()} entries and purges the log
 * before it; a voter too far behind gets the snapshot itself. {@link #maybeSnapshot} does nothing here.
 * <li>Observers (broker-only nodes, {@link QuorumObserver}) learn the committed batches from any voter's
 * {@link MetadataFeed}.
 * </ul>
 * How a broker wires it (its {@code MetadataStateMachine state} and {@code MetadataController} aside):
 * <pre>{@code
 * QuorumConfig quorum = QuorumConfig.of(nodeId, voters, logDir.resolve("__samsa_meta/quorum"));
 * RatisMetadataLog metadataLog = new RatisMetadataLog(quorum, LogFiles::writeAtomically);
 * metadataLog.addLeadershipListener(new LeadershipListener() {
 *     public void onBecomeActive(long term) { controller.activate(term); }   // start the samsa-controller thread
 *     public void onResign() { controller.deactivate(); }
 * });
 * metadataLog.start(state);                                   // replays the snapshot, joins the quorum
 * metadataLog.setControllerRequestHandler(controllerServer);  // answers calls while this node is active
 * ControllerChannel channel = metadataLog;                    // RemoteController sends through it
 * ...
 * metadataLog.close();                                        // resigns (onResign), leaves the quorum
 * }</pre>
 * Threads: see the package documentation.
 */
public final class RatisMetadataLog implements QuorumMember {
    private static final Logger log = LoggerFactory.getLogger(RatisMetadataLog.class);
    /** How long a controller call may look for an active controller before NotControllerException. */
    private static final long CALL_DEADLINE_MS = 5_000;

    private final QuorumConfig config;
    private final AtomicFileWriter writer;
    private final RaftPeerId selfId;
    private final RaftGroup group;
    private final AppliedIndex applied = new AppliedIndex();
    private final List<LeadershipListener> leadershipListeners = new CopyOnWriteArrayList<>();
    private final ExecutorService events;
    /** Ends the observers' long polls ({@link MetadataFeed}). */
    private final ScheduledExecutorService feedTimer;
    private volatile ControllerRequestHandler handler;
    private volatile RaftServer server;
    private volatile RaftClient client;
    private volatile RaftClient callClient;
    private final ClientId localClientId = ClientId.randomId();
    private final AtomicLong localCallIds = new AtomicLong();
    private volatile LeaderCalls leaderCalls;
    private volatile LeaderContact leaderContact;
    private volatile MetadataFeed feed;
    private long activeTerm = -1; // guarded by this
    private boolean closed; // guarded by this

    public RatisMetadataLog(QuorumConfig config, AtomicFileWriter writer) {
        this.config = config;
        this.writer = writer;
        this.selfId = peerId(config.nodeId());
        List<RaftPeer> peers = new ArrayList<>();
        config.voters().forEach((id, address) -> peers.add(RaftPeer.newBuilder().setId(peerId(id))
                .setAddress(address.getHostString() + ":" + address.getPort()).build()));
        this.group = RaftGroup.valueOf(QuorumConfig.GROUP_ID, peers);
        this.events = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "samsa-quorum-events-" + config.nodeId());
            t.setDaemon(true);
            return t;
        });
        this.feedTimer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "samsa-metadata-feed-" + config.nodeId());
            t.setDaemon(true);
            return t;
        });
    }

    private static RaftPeerId peerId(int nodeId) {
        return RaftPeerId.valueOf(Integer.toString(nodeId));
    }

    /** Adds a listener; add before {@link #start} to hear the first activation. */
    public void addLeadershipListener(LeadershipListener listener) {
        leadershipListeners.add(listener);
    }

    /** The handler of controller calls while this node is active; calls are refused (NOT_CONTROLLER) without one. */
    public void setControllerRequestHandler(ControllerRequestHandler handler) {
        this.handler = handler;
    }

    @Override
    public synchronized void start(MetadataCommitListener listener) throws IOException {
        if (server != null) {
            throw new IllegalStateException("Already started");
        }
        feed = new MetadataFeed(listener::image, this::leaderId, feedTimer);
        MetadataRaftStateMachine stateMachine = new MetadataRaftStateMachine(listener, writer, applied,
                new LeadershipEvents(), MetadataRaftStateMachine.Queries.of(this::serveCall, this::status), feed);
        RaftServer s = RaftServer.newBuilder()
                .setServerId(selfId)
                .setGroup(group)
                .setStateMachine(stateMachine)
                .setProperties(serverProperties())
                .setParameters(QuorumTls.parameters(config.tls()))
                .setOption(RaftStorage.StartupOption.RECOVER) // formats an empty directory
                .build();
        s.start();
        server = s;
        client = RaftClient.newBuilder()
                .setClientId(ClientId.randomId())
                .setRaftGroup(group)
                .setProperties(clientProperties())
                .setParameters(QuorumTls.parameters(config.tls()))
                // A leader election takes ~1 s; 30 tries 100 ms apart outlast one, then NotControllerException.
                .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(30,
                        TimeDuration.valueOf(100, TimeUnit.MILLISECONDS)))
                .build();
        // Controller calls choose their own target (the leader this node knows) and retry themselves.
        callClient = RaftClient.newBuilder()
                .setClientId(ClientId.randomId())
                .setRaftGroup(group)
                .setProperties(clientProperties())
                .setParameters(QuorumTls.parameters(config.tls()))
                .setRetryPolicy(RetryPolicies.noRetry())
                .build();
        leaderContact = new LeaderContact(this::info, config.nodeId());
        leaderCalls = new LeaderCalls(callClient, this::leaderPeer, CALL_DEADLINE_MS,
                "samsa-controller-calls-" + config.nodeId());
        log.info("Metadata quorum member {} started on {} over {} (voters {})", config.nodeId(), config.address(),
                config.tls() == null ? "PLAINTEXT" : config.tls().mutual() ? "mutual TLS" : "TLS", config.voters());
    }

    private RaftProperties serverProperties() {
        RaftProperties p = new RaftProperties();
        InetSocketAddress address = config.address();
        RaftConfigKeys.Rpc.setType(p, SupportedRpcType.GRPC);
        GrpcConfigKeys.Server.setHost(p, config.bindHostOrDefault());
        GrpcConfigKeys.Server.setPort(p, address.getPort());
        RaftServerConfigKeys.setStorageDir(p, List.of(config.storageDir().toFile()));
        long min = config.electionTimeoutMin().toMillis();
        long max = config.electionTimeoutMax().toMillis();
        RaftServerConfigKeys.Rpc.setTimeoutMin(p, TimeDuration.valueOf(min, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setTimeoutMax(p, TimeDuration.valueOf(max, TimeUnit.MILLISECONDS));
        // A starting node need not wait a whole timeout for the first election: the cluster is up sooner.
        RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMin(p, TimeDuration.valueOf(min / 2, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMax(p, TimeDuration.valueOf(max / 2, TimeUnit.MILLISECONDS));
        // A leader cut off from its majority steps down soon (default 10 s), so two nodes do not both act.
        RaftServerConfigKeys.LeaderElection.setLeaderStepDownWaitTime(p,
                TimeDuration.valueOf(2 * max, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, config.snapshotThreshold());
        RaftServerConfigKeys.Snapshot.setRetentionFileNum(p, 2);
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
        RaftServerConfigKeys.Log.setPurgeGap(p, (int) Math.min(1024, config.snapshotThreshold()));
        RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf(config.logSegmentBytes()));
        RaftServerConfigKeys.Log.setPreallocatedSize(p, SizeInBytes.valueOf(Math.min(4L << 20,
                config.logSegmentBytes())));
        RaftServerConfigKeys.Log.Appender.setInstallSnapshotEnabled(p, true);
        return p;
    }

    private static RaftProperties clientProperties() {
        RaftProperties p = new RaftProperties();
        RaftConfigKeys.Rpc.setType(p, SupportedRpcType.GRPC);
        RaftClientConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(3, TimeUnit.SECONDS));
        return p;
    }

    @Override
    public CompletionStage<Long> append(List<MetadataRecord> records) {
        RaftClient c = client;
        RaftServer s = server;
        if (c == null || s == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("Metadata log not started"));
        }
        Message message = QuorumMessages.append(records);
        CompletableFuture<RaftClientReply> sent = selfId.equals(leaderPeer())
                ? submitLocally(s, message).thenCompose(reply -> reply.getNotLeaderException() == null
                        ? CompletableFuture.completedFuture(reply)
                        : c.async().send(message)) // stepped down meanwhile, nothing appended: to the new leader
                : c.async().send(message);
        return sent.handle((reply, error) -> {
            checkDelivered(reply, error);
            return reply;
        }).thenCompose(reply -> applied.await(reply.getLogIndex()).thenApply(index -> {
            QuorumMessages.unwrap(reply.getMessage()); // a rejected batch throws its Kafka exception
            return index;
        }));
    }

    /**
     * The leader appends through its own server, not its client: the client may still think a frozen former leader
     * leads, and would wait out request timeouts there before it tried this node (seen: a new controller's first
     * writes, its fencing of the frozen node among them, 13 s late).
     */
    private CompletableFuture<RaftClientReply> submitLocally(RaftServer s, Message message) {
        RaftClientRequest request = RaftClientRequest.newBuilder()
                .setClientId(localClientId)
                .setServerId(selfId)
                .setGroupId(group.getGroupId())
                .setCallId(localCallIds.incrementAndGet())
                .setMessage(message)
                .setType(RaftClientRequest.writeRequestType())
                .build();
        try {
            return s.submitClientRequestAsync(request);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Ratis-level failures (no leader in time, closed, ...) become NotControllerException. */
    private static void checkDelivered(RaftClientReply reply, Throwable error) {
        if (error == null && reply.isSuccess()) {
            return;
        }
        Throwable cause = error != null ? unwrap(error) : reply.getException();
        if (cause instanceof ApiException api) {
            throw api;
        }
        throw new NotControllerException("No metadata quorum leader took the request: " + cause);
    }

    private static Throwable unwrap(Throwable t) {
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** Ratis takes the snapshots ({@link QuorumConfig#snapshotThreshold()}); nothing to do here. */
    @Override
    public void maybeSnapshot(MetadataImage image) {
    }

    @Override
    public CompletionStage<byte[]> call(byte[] request) {
        return LeaderCalls.call(leaderCalls, request, "Metadata quorum not started");
    }

    /** On the leader (a gRPC thread): hands the call to the handler if this node is the active controller. */
    private CompletionStage<Message> serveCall(byte[] request) {
        ControllerRequestHandler h = handler;
        if (h == null || !isActive()) {
            return CompletableFuture.completedFuture(QuorumMessages.error(Errors.NOT_CONTROLLER,
                    "Node " + config.nodeId() + " is not the active controller"));
        }
        return h.handle(request).handle((response, error) -> {
            if (error == null) {
                return QuorumMessages.ok(response);
            }
            Throwable cause = unwrap(error);
            return QuorumMessages.error(Errors.forException(cause), String.valueOf(cause.getMessage()));
        });
    }

    /** Whether this node is the active controller: it leads and has applied everything before its term. */
    @Override
    public synchronized boolean isActive() {
        return activeTerm >= 0;
    }

    /** The quorum leader's node id, -1 if unknown. */
    @Override
    public int leaderId() {
        RaftPeerId leader = leaderPeer();
        return leader == null ? -1 : Integer.parseInt(leader.toString());
    }

    private RaftPeerId leaderPeer() {
        DivisionInfo info = info();
        return info == null ? null : info.getLeaderId();
    }

    private RaftServer.Division division() {
        RaftServer s = server;
        if (s == null) {
            return null;
        }
        try {
            return s.getDivision(QuorumConfig.GROUP_ID);
        } catch (IOException e) {
            return null; // closed
        }
    }

    /**
     * The former quorum leader this node followed and when it last heard from it (monotonic ms, see
     * {@link LeaderContact}); empty if there is none or this node led before. For a new active controller: that
     * node's broker has been silent at least since then.
     */
    public Map<Integer, Long> formerLeaderContact() {
        LeaderContact contact = leaderContact;
        if (contact == null || contact.lastLeaderId() < 0 || contact.lastLeaderId() == config.nodeId()) {
            return Map.of();
        }
        int former = contact.lastLeaderId();
        return contact.lastContactMs(former).stream().boxed().collect(Collectors.toMap(t -> former, t -> t));
    }

    /** The first index still in this node's Raft log (earlier ones are purged behind a snapshot); for tests. */
    long raftLogStartIndex() {
        RaftServer.Division d = division();
        return d == null ? -1 : d.getRaftLog().getStartIndex();
    }

    private DivisionInfo info() {
        RaftServer.Division d = division();
        return d == null ? null : d.getInfo();
    }

    /**
     * The quorum as this node sees it. On the leader: every voter's match index (its log end as the leader knows
     * it) and the time of its last answer; a voter counts as caught up at its last answer if it had the commit
     * index then (Ratis keeps no separate caught-up time); the observers that fetched from it recently ({@link
     * MetadataFeed#observers}). Elsewhere: the leader, term and commit index this node
     * knows, its own log end, -1 for the rest.
     */
    @Override
    public QuorumStatus status() {
        RaftServer.Division d = division();
        if (d == null) {
            return new QuorumStatus(-1, -1, -1, List.of(), List.of());
        }
        DivisionInfo info = d.getInfo();
        long now = System.currentTimeMillis();
        long commit = d.getRaftLog().getLastCommittedIndex();
        long logEnd = d.getRaftLog().getLastEntryTermIndex() == null ? -1
                : d.getRaftLog().getLastEntryTermIndex().getIndex();
        List<QuorumStatus.ReplicaState> voters = new ArrayList<>();
        voters.add(new QuorumStatus.ReplicaState(config.nodeId(), logEnd, now, now));
        if (info.isLeader()) {
            RoleInfoProto role = info.getRoleInfoProto();
            long[] match = info.getFollowerMatchIndices();
            List<ServerRpcProto> followers = role.getLeaderInfo().getFollowerInfoList();
            for (int i = 0; i < followers.size(); i++) {
                ServerRpcProto f = followers.get(i);
                int id = Integer.parseInt(RaftPeerId.valueOf(f.getId().getId()).toString());
                long lastRpc = now - f.getLastRpcElapsedTimeMs();
                long matchIndex = match != null && match.length == followers.size() ? match[i] : -1;
                voters.add(new QuorumStatus.ReplicaState(id, matchIndex, lastRpc, matchIndex >= commit ? lastRpc : -1));
            }
        } else {
            config.voters().keySet().stream().filter(id -> id != config.nodeId())
                    .forEach(id -> voters.add(new QuorumStatus.ReplicaState(id, -1, -1, -1)));
        }
        voters.sort(Comparator.comparingInt(QuorumStatus.ReplicaState::replicaId));
        MetadataFeed f = feed;
        List<QuorumStatus.ReplicaState> observers = info.isLeader() && f != null ? f.observers(now, commit) : List.of();
        return new QuorumStatus(leaderId(), info.getCurrentTerm(), commit, voters, observers);
    }

    @Override
    public void close() throws IOException {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            resign();
        }
        LeaderCalls calls = leaderCalls;
        if (calls != null) {
            calls.close();
        }
        LeaderContact contact = leaderContact;
        if (contact != null) {
            contact.close();
        }
        for (RaftClient c : new RaftClient[] {client, callClient}) {
            if (c != null) {
                c.close();
            }
        }
        RaftServer s = server;
        if (s != null) {
            s.close();
        }
        applied.failAll(new NotControllerException("Metadata quorum member " + config.nodeId() + " closed"));
        MetadataFeed f = feed;
        if (f != null) {
            f.close();
        }
        feedTimer.shutdownNow();
        events.shutdown();
        try {
            events.awaitTermination(5, TimeUnit.SECONDS); // the last onResign runs before close returns
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // Leadership: the state is changed under this object's lock and the listeners are queued in the same order.

    private synchronized void becomeActive() {
        DivisionInfo info = info();
        if (closed || info == null || !info.isLeader()) {
            return; // stepped down before its first entry was applied
        }
        long term = info.getCurrentTerm();
        if (activeTerm == term) {
            return;
        }
        if (activeTerm >= 0) {
            resign();
        }
        activeTerm = term;
        log.info("Node {} is the active controller (metadata quorum leader, term {})", config.nodeId(), term);
        events.execute(() -> leadershipListeners.forEach(l -> {
            try {
                l.onBecomeActive(term);
            } catch (RuntimeException e) {
                log.error("Leadership listener {} failed on becoming active", l, e);
            }
        }));
    }

    private synchronized void resign() {
        if (activeTerm < 0) {
            return;
        }
        log.info("Node {} is no longer the active controller (term {})", config.nodeId(), activeTerm);
        activeTerm = -1;
        events.execute(() -> leadershipListeners.forEach(l -> {
            try {
                l.onResign();
            } catch (RuntimeException e) {
                log.error("Leadership listener {} failed on resigning", l, e);
            }
        }));
    }

    private final class LeadershipEvents implements MetadataRaftStateMachine.Events {
        @Override
        public void leaderReady() {
            becomeActive();
        }

        @Override
        public void leaderChanged(RaftPeerId leader) {
            log.info("Metadata quorum leader is node {} (seen by node {})", leader, config.nodeId());
            if (!selfId.equals(leader)) {
                resign();
            }
            LeaderCalls calls = leaderCalls;
            if (calls != null) {
                calls.leaderChanged(leader);
            }
        }

        @Override
        public void notLeader() {
            resign();
        }
    }
}
