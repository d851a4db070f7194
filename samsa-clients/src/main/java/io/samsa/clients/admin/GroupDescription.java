package io.samsa.clients.admin;

import java.util.List;

import org.apache.kafka.common.TopicPartition;

/**
 * A group as its coordinator describes it: state, protocol type ({@code consumer}, or empty for a group that
 * only stores offsets), the protocol the members agreed on (the assignor, such as {@code range}; empty unless
 * the group is Stable), and its members.
 */
public record GroupDescription(String groupId, String state, String protocolType, String protocol,
                               List<Member> members) {

    /** Whether the group has no members, the only state in which its offsets may be reset. */
    public boolean isEmpty() {
        return "Empty".equals(state);
    }

    /**
     * One member: ids, the client's {@code client.id} and host, and the partitions assigned to it, decoded
     * from the consumer protocol (empty while the group rebalances, or for a protocol other than consumer).
     */
    public record Member(String memberId, String groupInstanceId, String clientId, String host,
                         List<TopicPartition> assignment) {
    }
}
