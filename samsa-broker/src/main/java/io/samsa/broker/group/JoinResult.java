package io.samsa.broker.group;

import java.util.List;

import org.apache.kafka.common.protocol.Errors;

/**
 * The answer to a JoinGroup. Only the leader gets {@code members} (with their metadata for the chosen
 * protocol), to run the assignor.
 */
public record JoinResult(Errors error, String memberId, int generationId, String protocolType, String protocolName,
                         String leaderId, boolean skipAssignment, List<Member> members) {

    /** A member as the leader sees it. */
    public record Member(String memberId, String groupInstanceId, byte[] metadata) {
    }

    static JoinResult error(String memberId, Errors error) {
        return new JoinResult(error, memberId == null ? "" : memberId, -1, null, null, "", false, List.of());
    }
}
