package io.samsa.broker.group;

import java.util.List;

/**
 * What DescribeGroups shows of a group. Member metadata and assignments are only filled in when the
 * group is Stable (as Kafka does).
 */
public record GroupSnapshot(String groupId, GroupState state, String protocolType, String protocolData,
                               List<Member> members) {

    public record Member(String memberId, String groupInstanceId, String clientId, String clientHost,
                         byte[] metadata, byte[] assignment) {
    }
}
