package io.samsa.broker.group;

import java.util.List;

/**
 * A JoinGroup, independent of its wire version.
 *
 * @param memberId             "" for a member the coordinator does not know yet
 * @param groupInstanceId      null for a dynamic member (static membership otherwise, KIP-345)
 * @param requireKnownMemberId v4+: a new dynamic member first gets MEMBER_ID_REQUIRED and its id (KIP-394)
 * @param supportsSkipAssignment v9+: a static leader that rejoins a stable group is told to skip assignment
 */
public record JoinRequest(String groupId, String memberId, String groupInstanceId, String clientId, String clientHost,
                          int sessionTimeoutMs, int rebalanceTimeoutMs, String protocolType, List<Protocol> protocols,
                          boolean requireKnownMemberId, boolean supportsSkipAssignment, String reason) {
}
