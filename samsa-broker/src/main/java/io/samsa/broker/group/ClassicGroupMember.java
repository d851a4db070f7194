package io.samsa.broker.group;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.common.protocol.Errors;

/**
 * One member of a classic group. Owned by the coordinator thread. A member is "awaiting join" while the
 * coordinator holds its JoinGroup response back until the rebalance completes, and "awaiting sync" while
 * it holds its SyncGroup response back until the leader's assignment arrives. Its session timer lives in the
 * {@link CoordinatorTimer} under {@link GroupTimers#heartbeat}, not here.
 */
final class ClassicGroupMember {
    private String memberId;
    private final String groupInstanceId;
    private String clientId;
    private String clientHost;
    private int rebalanceTimeoutMs;
    private int sessionTimeoutMs;
    private final String protocolType;
    private List<Protocol> protocols;
    private byte[] assignment = new byte[0];
    private boolean supportsSkipAssignment;
    /** Joined in the current rebalance and not yet answered: expires after the new-member timeout. */
    private boolean isNew;
    private CompletableFuture<JoinResult> awaitingJoin;
    private CompletableFuture<SyncResult> awaitingSync;

    private ClassicGroupMember(String memberId, String groupInstanceId, String protocolType) {
        this.memberId = memberId;
        this.groupInstanceId = groupInstanceId;
        this.protocolType = protocolType;
    }

    /** A member joining now: new (longer join timeout) until its first JoinGroup answer. */
    static ClassicGroupMember joining(String memberId, JoinRequest join) {
        ClassicGroupMember m = new ClassicGroupMember(memberId, join.groupInstanceId(), join.protocolType());
        m.updateFrom(join);
        m.isNew = true;
        return m;
    }

    /** A member as the metadata log remembers it (after a restart). */
    static ClassicGroupMember loaded(GroupMetadataRecord.Member pm, String protocolType, String protocolName) {
        ClassicGroupMember m = new ClassicGroupMember(pm.memberId(), pm.groupInstanceId(), protocolType);
        m.clientId = pm.clientId();
        m.clientHost = pm.clientHost();
        m.rebalanceTimeoutMs = pm.rebalanceTimeoutMs();
        m.sessionTimeoutMs = pm.sessionTimeoutMs();
        m.protocols = List.of(new Protocol(protocolName, pm.subscription() == null ? new byte[0] : pm.subscription()));
        m.assignment = pm.assignment() == null ? new byte[0] : pm.assignment();
        return m;
    }

    /** Takes the client's settings and protocols from a (re)join. */
    void updateFrom(JoinRequest join) {
        protocols = List.copyOf(join.protocols());
        rebalanceTimeoutMs = join.rebalanceTimeoutMs();
        sessionTimeoutMs = join.sessionTimeoutMs();
        clientId = join.clientId();
        clientHost = join.clientHost();
        supportsSkipAssignment = join.supportsSkipAssignment();
    }

    /** This member as a group record stores it, with {@code assignment} and its metadata for {@code protocol}. */
    GroupMetadataRecord.Member toRecord(String protocol, byte[] assignmentToStore) {
        return new GroupMetadataRecord.Member(memberId, groupInstanceId, clientId, clientHost, rebalanceTimeoutMs,
                sessionTimeoutMs, protocol == null ? null : metadata(protocol), assignmentToStore);
    }

    String memberId() {
        return memberId;
    }

    /** Only {@link ClassicGroup#replaceStaticMember} renames a member (it keeps the group's indexes in step). */
    void renameTo(String newMemberId) {
        memberId = newMemberId;
    }

    String groupInstanceId() {
        return groupInstanceId;
    }

    String clientId() {
        return clientId;
    }

    String clientHost() {
        return clientHost;
    }

    int rebalanceTimeoutMs() {
        return rebalanceTimeoutMs;
    }

    int sessionTimeoutMs() {
        return sessionTimeoutMs;
    }

    String protocolType() {
        return protocolType;
    }

    List<Protocol> protocols() {
        return protocols;
    }

    byte[] assignment() {
        return assignment;
    }

    void assign(byte[] newAssignment) {
        assignment = newAssignment == null ? new byte[0] : newAssignment;
    }

    boolean supportsSkipAssignment() {
        return supportsSkipAssignment;
    }

    boolean isNew() {
        return isNew;
    }

    boolean isStatic() {
        return groupInstanceId != null;
    }

    /** This member's metadata for {@code protocol}, or null if it does not support it. */
    byte[] metadata(String protocol) {
        for (Protocol p : protocols) {
            if (p.name().equals(protocol)) {
                return p.metadata();
            }
        }
        return null;
    }

    /** Whether a rejoin carries exactly the protocols (names, order and metadata) the member has now. */
    boolean sameProtocols(List<Protocol> other) {
        if (other.size() != protocols.size()) {
            return false;
        }
        for (int i = 0; i < other.size(); i++) {
            Protocol a = protocols.get(i);
            Protocol b = other.get(i);
            if (!a.name().equals(b.name()) || !Arrays.equals(a.metadata(), b.metadata())) {
                return false;
            }
        }
        return true;
    }

    /** The member's most preferred protocol among {@code candidates}. */
    String vote(Set<String> candidates) {
        return vote(protocols, candidates, memberId);
    }

    static String vote(List<Protocol> protocols, Set<String> candidates, String memberId) {
        for (Protocol p : protocols) {
            if (candidates.contains(p.name())) {
                return p.name();
            }
        }
        throw new IllegalStateException("Member " + memberId + " supports none of " + candidates);
    }

    boolean isAwaitingJoin() {
        return awaitingJoin != null;
    }

    boolean isAwaitingSync() {
        return awaitingSync != null;
    }

    /**
     * Holds this member's JoinGroup answer back; a JoinGroup still held is answered {@code supersededWith} (the
     * client gave up on it, or another instance took the id).
     */
    CompletableFuture<JoinResult> awaitJoin(Errors supersededWith) {
        completeJoin(JoinResult.error(memberId, supersededWith));
        awaitingJoin = new CompletableFuture<>();
        return awaitingJoin;
    }

    /** Answers the held JoinGroup (if any); an answer of the rebalance also ends the member's "new" period. */
    void completeJoin(JoinResult result) {
        CompletableFuture<JoinResult> f = awaitingJoin;
        awaitingJoin = null;
        if (f != null) {
            if (result.error() == Errors.NONE) {
                isNew = false;
            }
            f.complete(result);
        }
    }

    /** Holds this member's SyncGroup answer back until the leader's assignment; an earlier one is superseded. */
    CompletableFuture<SyncResult> awaitSync() {
        completeSync(SyncResult.error(Errors.REBALANCE_IN_PROGRESS));
        awaitingSync = new CompletableFuture<>();
        return awaitingSync;
    }

    void completeSync(SyncResult result) {
        CompletableFuture<SyncResult> f = awaitingSync;
        awaitingSync = null;
        if (f != null) {
            f.complete(result);
        }
    }
}
