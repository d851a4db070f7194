package io.samsa.broker.group;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.common.protocol.Errors;

/**
 * ListGroups, DescribeGroups and DeleteGroups. A deletion is committed before it is answered; a failed write
 * leaves the groups as they were and answers its error for each of them. Runs on the coordinator thread.
 */
final class AdminOperations {
    private final GroupStore store;

    AdminOperations(GroupStore store) {
        this.store = store;
    }

    CoordinatorResult<List<GroupOverview>> list() {
        List<GroupOverview> out = new ArrayList<>();
        for (ClassicGroup g : store.view()) {
            out.add(new GroupOverview(g.groupId, g.protocolType() == null ? "" : g.protocolType(), g.state()));
        }
        return CoordinatorResult.of(out);
    }

    /** Empty when the group does not exist. */
    CoordinatorResult<Optional<GroupSnapshot>> describe(String groupId) {
        return CoordinatorResult.of(Optional.ofNullable(store.get(groupId)).map(AdminOperations::snapshot));
    }

    private static GroupSnapshot snapshot(ClassicGroup g) {
        boolean stable = g.is(GroupState.STABLE);
        List<GroupSnapshot.Member> members = new ArrayList<>();
        if (!g.is(GroupState.DEAD)) {
            for (ClassicGroupMember m : g.members()) {
                byte[] md = stable ? m.metadata(g.protocolName()) : null;
                members.add(new GroupSnapshot.Member(m.memberId(), m.groupInstanceId(), m.clientId(), m.clientHost(),
                        md == null ? new byte[0] : md, stable ? m.assignment() : new byte[0]));
            }
        }
        return new GroupSnapshot(g.groupId, g.state(), g.protocolType() == null ? "" : g.protocolType(),
                stable && g.protocolName() != null ? g.protocolName() : "", members);
    }

    CoordinatorResult<Map<String, Errors>> delete(Collection<String> groupIds) {
        Map<String, Errors> out = new LinkedHashMap<>();
        CoordinatorResult.Builder writes = new CoordinatorResult.Builder();
        for (String id : groupIds) {
            ClassicGroup g = store.get(id);
            if (id == null || id.isEmpty()) {
                out.put(id, Errors.INVALID_GROUP_ID);
            } else if (g == null || g.is(GroupState.DEAD)) {
                out.put(id, Errors.GROUP_ID_NOT_FOUND);
            } else if (!g.is(GroupState.EMPTY)) {
                out.put(id, Errors.NON_EMPTY_GROUP);
            } else {
                out.put(id, Errors.NONE);
                store.delete(g, writes, () -> { }, e -> out.put(id, CoordinatorResult.writeError(e)));
            }
        }
        return writes.respond(() -> out);
    }
}
