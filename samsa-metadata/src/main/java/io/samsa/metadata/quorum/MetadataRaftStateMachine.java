package io.samsa.metadata.quorum;

import java.io.File;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;

import io.samsa.metadata.AtomicFileWriter;
import io.samsa.metadata.MetadataCommitListener;
import io.samsa.metadata.MetadataConflictException;
import io.samsa.metadata.MetadataImage;
import io.samsa.metadata.MetadataRecord;
import org.apache.kafka.common.protocol.Errors;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.util.LifeCycle;
import org.apache.ratis.util.MD5FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Ratis side of the metadata log on one voter: every committed APPEND entry is decoded and handed to the
 * {@link MetadataCommitListener} ({@code MetadataStateMachine}) on Ratis's state-machine updater thread, in log
 * order; a batch the listener rejects ({@link MetadataConflictException}) is answered with its Kafka error, on
 * every replica alike. Snapshots are the listener's image ({@link SnapshotFile}); at start the latest one is
 * replayed before Ratis applies the log after it, and one installed from the leader (this node fell behind the
 * leader's purged log) replaces the image ({@link MetadataCommitListener#reloaded}). Read-only CALL requests
 * reach the controller's handler through {@link #query}, FEED requests (stale reads, on any voter) the
 * {@link MetadataFeed} that observers learn from; leadership notifications go to {@link Events}.
 */
final class MetadataRaftStateMachine extends BaseStateMachine {
    private static final Logger log = LoggerFactory.getLogger(MetadataRaftStateMachine.class);

    /** Leadership as Ratis reports it; called on Ratis threads, must not block. */
    interface Events {
        /** This node leads and has applied its term's first entry (everything committed before it). */
        void leaderReady();

        /** A leader is known (possibly this node). */
        void leaderChanged(RaftPeerId leader);

        /** This node stopped leading. */
        void notLeader();
    }

    /** The longest an observer's feed request waits here for a new batch (it asks again at once). */
    private static final int MAX_FEED_WAIT_MS = 5_000;

    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
    private final MetadataCommitListener listener;
    private final AtomicFileWriter writer;
    private final AppliedIndex applied;
    private final Events events;
    private final Queries queries;
    private final MetadataFeed feed;

    /** The read-only requests this node answers beyond the feed; called on gRPC threads, must not block. */
    interface Queries {
        /** Serves a controller call (answers NOT_CONTROLLER unless this node is the active controller). */
        CompletionStage<Message> call(byte[] request);

        /** The quorum as this node sees it (the leader's view is the full one). */
        QuorumStatus status();

        static Queries of(Function<byte[], CompletionStage<Message>> call, Supplier<QuorumStatus> status) {
            return new Queries() {
                @Override
                public CompletionStage<Message> call(byte[] request) {
                    return call.apply(request);
                }

                @Override
                public QuorumStatus status() {
                    return status.get();
                }
            };
        }
    }

    /** @param feed told of every batch applied here, so observers can learn it */
    MetadataRaftStateMachine(MetadataCommitListener listener, AtomicFileWriter writer, AppliedIndex applied,
                             Events events, Queries queries, MetadataFeed feed) {
        this.listener = listener;
        this.writer = writer;
        this.applied = applied;
        this.events = events;
        this.queries = queries;
        this.feed = feed;
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        getLifeCycle().startAndTransition(() -> {
            super.initialize(server, groupId, raftStorage);
            storage.init(raftStorage);
            SingleFileSnapshotInfo snapshot = storage.getLatestSnapshot();
            if (snapshot != null) {
                SnapshotFile.Contents contents = read(snapshot);
                listener.replayed(contents.records(), contents.offset());
                feed.reset(contents.offset());
                setLastAppliedTermIndex(snapshot.getTermIndex());
                applied.advance(snapshot.getIndex());
                log.info("Metadata snapshot {} loaded (image offset {})", snapshot.getTermIndex(),
                        contents.offset());
            }
            listener.finishReplay();
        });
    }

    @Override
    public void pause() {
        if (getLifeCycleState() == LifeCycle.State.RUNNING) {
            getLifeCycle().transition(LifeCycle.State.PAUSING);
            getLifeCycle().transition(LifeCycle.State.PAUSED);
        }
    }

    /** After a snapshot from the leader was installed (the state machine was paused first). */
    @Override
    public void reinitialize() throws IOException {
        SingleFileSnapshotInfo snapshot = storage.loadLatestSnapshot();
        if (snapshot != null && snapshot.getIndex() > getLastAppliedTermIndex().getIndex()) {
            SnapshotFile.Contents contents = read(snapshot);
            listener.reloaded(contents.records(), contents.offset());
            feed.reset(contents.offset());
            setLastAppliedTermIndex(snapshot.getTermIndex());
            applied.advance(snapshot.getIndex());
            log.info("Metadata snapshot {} installed from the leader (image offset {})", snapshot.getTermIndex(),
                    contents.offset());
        }
        if (getLifeCycleState() == LifeCycle.State.PAUSED) {
            getLifeCycle().transition(LifeCycle.State.STARTING);
            getLifeCycle().transition(LifeCycle.State.RUNNING);
        }
    }

    private static SnapshotFile.Contents read(SingleFileSnapshotInfo snapshot) throws IOException {
        File file = snapshot.getFile().getPath().toFile();
        MD5Hash md5 = snapshot.getFile().getFileDigest();
        if (md5 != null) {
            MD5FileUtil.verifySavedMD5(file, md5);
        }
        return SnapshotFile.read(file.toPath());
    }

    @Override
    public StateMachineStorage getStateMachineStorage() {
        return storage;
    }

    /** On the updater thread, between applies: the image is exactly the state at the last applied index. */
    @Override
    public long takeSnapshot() throws IOException {
        TermIndex last = getLastAppliedTermIndex();
        MetadataImage image = listener.image();
        File file = storage.getSnapshotFile(last.getTerm(), last.getIndex());
        SnapshotFile.write(writer, file.toPath(), image);
        MD5Hash md5 = MD5FileUtil.computeAndSaveMd5ForFile(file);
        storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(file.toPath(), md5), last));
        log.info("Metadata snapshot {} taken (image offset {})", last, image.offset());
        return last.getIndex();
    }

    /** Applies synchronously on the updater thread, so applies, snapshots and reloads never overlap. */
    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        long index = entry.getIndex();
        Message reply = apply(entry, index);
        updateLastAppliedTermIndex(entry.getTerm(), index);
        applied.advance(index);
        return CompletableFuture.completedFuture(reply);
    }

    private Message apply(LogEntryProto entry, long index) {
        List<MetadataRecord> records;
        try {
            var data = entry.getStateMachineLogEntry().getLogData();
            if (QuorumMessages.kind(data) != QuorumMessages.APPEND) {
                throw new IOException("Not a metadata batch (kind " + QuorumMessages.kind(data) + ")");
            }
            records = QuorumMessages.records(data);
        } catch (IOException e) {
            // Cannot happen for what RatisMetadataLog wrote; skip it identically on every replica.
            log.error("Metadata log entry {} does not decode; skipped", index, e);
            listener.committed(List.of(), index); // moves the offset, changes nothing
            feed.committed(List.of(), index);
            return QuorumMessages.error(Errors.CORRUPT_MESSAGE, e.getMessage());
        }
        try {
            listener.committed(records, index);
            return QuorumMessages.OK_EMPTY;
        } catch (MetadataConflictException e) {
            log.debug("Metadata batch at {} rejected: {}", index, e.getMessage());
            return QuorumMessages.error(e.error(), e.getMessage());
        } catch (RuntimeException e) {
            // A batch the image cannot take (a bug, not a race): rejected whole, the same on every replica.
            log.error("Metadata batch at {} rejected", index, e);
            return QuorumMessages.error(Errors.UNKNOWN_SERVER_ERROR, String.valueOf(e.getMessage()));
        } finally {
            feed.committed(records, index); // rejected ones too: observers reject them alike
        }
    }

    @Override
    public void notifyTermIndexUpdated(long term, long index) {
        super.notifyTermIndexUpdated(term, index);
        applied.advance(index);
    }

    /**
     * A controller call (a read-only request, served only by the leader: Ratis refuses it elsewhere), or an
     * observer's feed or status request (stale reads, which any voter serves).
     */
    @Override
    public CompletableFuture<Message> query(Message request) {
        var content = request.getContent();
        if (QuorumMessages.kind(content) == QuorumMessages.FEED) {
            byte[] body = QuorumMessages.body(content);
            return feed.serve(FeedMessages.observerId(body), FeedMessages.fromOffset(body),
                    Math.min(FeedMessages.maxWaitMs(body), MAX_FEED_WAIT_MS));
        }
        if (QuorumMessages.kind(content) == QuorumMessages.STATUS) {
            return CompletableFuture.completedFuture(QuorumMessages.ok(QuorumStatusCodec.encode(queries.status())));
        }
        if (QuorumMessages.kind(content) != QuorumMessages.CALL) {
            return CompletableFuture.completedFuture(
                    QuorumMessages.error(Errors.INVALID_REQUEST, "Not a controller call"));
        }
        try {
            return queries.call(QuorumMessages.body(content)).toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(
                    QuorumMessages.error(Errors.forException(e), String.valueOf(e.getMessage())));
        }
    }

    @Override
    public void notifyLeaderReady() {
        events.leaderReady();
    }

    @Override
    public void notifyLeaderChanged(RaftGroupMemberId groupMemberId, RaftPeerId newLeaderId) {
        events.leaderChanged(newLeaderId);
    }

    @Override
    public void notifyNotLeader(Collection<TransactionContext> pendingEntries) {
        events.notLeader();
    }

    @Override
    public void close() {
        getLifeCycle().checkStateAndClose();
    }
}
