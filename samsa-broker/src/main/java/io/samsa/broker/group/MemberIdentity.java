package io.samsa.broker.group;

import org.apache.kafka.common.protocol.Errors;

/** A member named in a LeaveGroup, and (in the answer) what became of it. */
public record MemberIdentity(String memberId, String groupInstanceId, Errors error) {

    public MemberIdentity(String memberId, String groupInstanceId) {
        this(memberId, groupInstanceId, Errors.NONE);
    }
}
