package io.samsa.broker.group;

/** A group as ListGroups lists it. */
public record GroupOverview(String groupId, String protocolType, GroupState state) {
}
