package io.samsa.broker.group;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/**
 * One member of a classic group. Owned by the coordinator thread. A member is "awaiting join" while the
 * coordinator holds its JoinGroup response back until the rebalance completes, and "awaiting sync" while
 * it holds its SyncGroup response back until the leader's assignment arrives.
 */
final class GroupMember {
    String memberId;
    final String groupInstanceId;
    String clientId;
    String clientHost;
    int rebalanceTimeoutMs;
    int sessionTimeoutMs;
    final String protocolType;
    List<Protocol> protocols;
    byte[] assignment = new byte[0];
    boolean supportsSkipAssignment;
    /** Joined in the current rebalance and not yet answered: expires after the new-member timeout. */
    boolean isNew;
    CompletableFuture<JoinResult> awaitingJoin;
    CompletableFuture<SyncResult> awaitingSync;
    ScheduledFuture<?> heartbeatTimer;

    GroupMember(String memberId, String groupInstanceId, String clientId, String clientHost, int rebalanceTimeoutMs,
                int sessionTimeoutMs, String protocolType, List<Protocol> protocols) {
        this.memberId = memberId;
        this.groupInstanceId = groupInstanceId;
        this.clientId = clientId;
        this.clientHost = clientHost;
        this.rebalanceTimeoutMs = rebalanceTimeoutMs;
        this.sessionTimeoutMs = sessionTimeoutMs;
        this.protocolType = protocolType;
        this.protocols = List.copyOf(protocols);
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
        for (Protocol p : protocols) {
            if (candidates.contains(p.name())) {
                return p.name();
            }
        }
        throw new IllegalStateException("Member " + memberId + " supports none of " + candidates);
    }

    void completeJoin(JoinResult result) {
        CompletableFuture<JoinResult> f = awaitingJoin;
        awaitingJoin = null;
        if (f != null) {
            f.complete(result);
        }
    }

    void completeSync(SyncResult result) {
        CompletableFuture<SyncResult> f = awaitingSync;
        awaitingSync = null;
        if (f != null) {
            f.complete(result);
        }
    }

    void cancelHeartbeat() {
        if (heartbeatTimer != null) {
            heartbeatTimer.cancel(false);
            heartbeatTimer = null;
        }
    }
}
