package io.samsa.broker.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

import io.samsa.broker.topic.TopicInfo;

/**
 * The group APIs' cases for {@link ApiVersionMatrixTest}: each at one version, success and error path.
 * Every case uses its own group so that versions do not interfere.
 */
final class GroupApiMatrixCases {
    private static final AtomicInteger groups = new AtomicInteger();
    private static final short JOIN_V = 9;
    private static final short SYNC_V = 5;

    private final RawKafkaConnection c;
    private final TopicInfo topic;
    private final int port;

    GroupApiMatrixCases(RawKafkaConnection c, TopicInfo topic, int port) {
        this.c = c;
        this.topic = topic;
        this.port = port;
    }

    private static String newGroup(String api, short v) {
        return "matrix-" + api + "-v" + v + "-" + groups.incrementAndGet();
    }

    void findCoordinator(short v) throws Exception {
        FindCoordinatorRequestData req = new FindCoordinatorRequestData();
        if (v >= 4) {
            req.setCoordinatorKeys(List.of("g1", "g2"));
        } else {
            req.setKey("g1");
        }
        FindCoordinatorResponseData r = (FindCoordinatorResponseData) c.send(ApiKeys.FIND_COORDINATOR, v, req);
        if (v >= 4) {
            assertThat(r.coordinators()).hasSize(2).allMatch(x -> x.errorCode() == 0 && x.port() == port);
        } else {
            assertThat(r.errorCode()).isZero();
            assertThat(r.port()).isEqualTo(port);
            assertThat(r.nodeId()).isZero();
        }
        if (v >= 1) { // error path: an unsupported key type (share coordinators)
            req.setKeyType((byte) 2);
            FindCoordinatorResponseData e = (FindCoordinatorResponseData) c.send(ApiKeys.FIND_COORDINATOR, v, req);
            short code = v >= 4 ? e.coordinators().get(0).errorCode() : e.errorCode();
            assertThat(code).isEqualTo(Errors.INVALID_REQUEST.code());
        }
    }

    /** A member of a fresh group with generation 1 (joined at {@code joinVersion}), and its id. */
    record Member(String group, String memberId, int generation) {
    }

    private static byte[] subscription() {
        ByteBuffer b = ConsumerProtocol.serializeSubscription(new ConsumerPartitionAssignor.Subscription(List.of("matrix")));
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    private JoinGroupRequestData joinRequest(String group, String memberId, short v) {
        JoinGroupRequestData req = new JoinGroupRequestData().setGroupId(group).setSessionTimeoutMs(10_000)
                .setMemberId(memberId).setProtocolType("consumer");
        if (v >= 1) {
            req.setRebalanceTimeoutMs(10_000);
        }
        req.protocols().add(new JoinGroupRequestData.JoinGroupRequestProtocol().setName("range").setMetadata(subscription()));
        return req;
    }

    private Member join(String group, short v) throws Exception {
        JoinGroupResponseData r = (JoinGroupResponseData) c.send(ApiKeys.JOIN_GROUP, v, joinRequest(group, "", v));
        if (v >= 4) {
            assertThat(r.errorCode()).isEqualTo(Errors.MEMBER_ID_REQUIRED.code());
            assertThat(r.memberId()).isNotEmpty();
            r = (JoinGroupResponseData) c.send(ApiKeys.JOIN_GROUP, v, joinRequest(group, r.memberId(), v));
        }
        assertThat(r.errorCode()).isZero();
        assertThat(r.generationId()).isEqualTo(1);
        assertThat(r.leader()).isEqualTo(r.memberId());
        assertThat(r.members()).hasSize(1);
        assertThat(r.protocolName()).isEqualTo("range");
        return new Member(group, r.memberId(), r.generationId());
    }

    private Member joinAndSync(String group) throws Exception {
        Member m = join(group, JOIN_V);
        SyncGroupResponseData s = (SyncGroupResponseData) c.send(ApiKeys.SYNC_GROUP, SYNC_V, syncRequest(m, SYNC_V));
        assertThat(s.errorCode()).isZero();
        return m;
    }

    private static SyncGroupRequestData syncRequest(Member m, short v) {
        SyncGroupRequestData req = new SyncGroupRequestData().setGroupId(m.group()).setGenerationId(m.generation())
                .setMemberId(m.memberId());
        if (v >= 5) {
            req.setProtocolType("consumer").setProtocolName("range");
        }
        req.assignments().add(new SyncGroupRequestData.SyncGroupRequestAssignment().setMemberId(m.memberId())
                .setAssignment(new byte[] {1, 2, 3}));
        return req;
    }

    void joinGroup(short v) throws Exception {
        String group = newGroup("join", v);
        Member m = join(group, v);
        // Error paths: a session timeout below group.min.session.timeout.ms, and an unknown member id.
        JoinGroupRequestData bad = joinRequest(group, "", v).setSessionTimeoutMs(1);
        JoinGroupResponseData e = (JoinGroupResponseData) c.send(ApiKeys.JOIN_GROUP, v, bad);
        assertThat(e.errorCode()).isEqualTo(Errors.INVALID_SESSION_TIMEOUT.code());
        e = (JoinGroupResponseData) c.send(ApiKeys.JOIN_GROUP, v, joinRequest(group, "nobody", v));
        assertThat(e.errorCode()).isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
        assertThat(m.memberId()).isNotEmpty();
    }

    void syncGroup(short v) throws Exception {
        Member m = join(newGroup("sync", v), JOIN_V);
        SyncGroupRequestData wrongGen = syncRequest(m, v).setGenerationId(m.generation() + 1);
        SyncGroupResponseData e = (SyncGroupResponseData) c.send(ApiKeys.SYNC_GROUP, v, wrongGen);
        assertThat(e.errorCode()).isEqualTo(Errors.ILLEGAL_GENERATION.code());
        SyncGroupResponseData r = (SyncGroupResponseData) c.send(ApiKeys.SYNC_GROUP, v, syncRequest(m, v));
        assertThat(r.errorCode()).isZero();
        assertThat(r.assignment()).containsExactly(1, 2, 3);
        if (v >= 5) {
            assertThat(r.protocolName()).isEqualTo("range");
        }
    }

    void heartbeat(short v) throws Exception {
        Member m = joinAndSync(newGroup("heartbeat", v));
        HeartbeatResponseData r = (HeartbeatResponseData) c.send(ApiKeys.HEARTBEAT, v, new HeartbeatRequestData()
                .setGroupId(m.group()).setGenerationId(m.generation()).setMemberId(m.memberId()));
        assertThat(r.errorCode()).isZero();
        r = (HeartbeatResponseData) c.send(ApiKeys.HEARTBEAT, v, new HeartbeatRequestData()
                .setGroupId(m.group()).setGenerationId(m.generation() + 5).setMemberId(m.memberId()));
        assertThat(r.errorCode()).isEqualTo(Errors.ILLEGAL_GENERATION.code());
        r = (HeartbeatResponseData) c.send(ApiKeys.HEARTBEAT, v, new HeartbeatRequestData()
                .setGroupId(m.group()).setGenerationId(m.generation()).setMemberId("nobody"));
        assertThat(r.errorCode()).isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
    }

    void leaveGroup(short v) throws Exception {
        Member m = joinAndSync(newGroup("leave", v));
        for (int attempt = 0; attempt < 2; attempt++) {
            LeaveGroupRequestData req = new LeaveGroupRequestData().setGroupId(m.group());
            if (v >= 3) {
                req.members().add(new LeaveGroupRequestData.MemberIdentity().setMemberId(m.memberId()));
            } else {
                req.setMemberId(m.memberId());
            }
            LeaveGroupResponseData r = (LeaveGroupResponseData) c.send(ApiKeys.LEAVE_GROUP, v, req);
            short expected = attempt == 0 ? Errors.NONE.code() : Errors.UNKNOWN_MEMBER_ID.code();
            if (v >= 3) {
                assertThat(r.errorCode()).isZero();
                assertThat(r.members()).hasSize(1);
                assertThat(r.members().get(0).errorCode()).isEqualTo(expected);
            } else {
                assertThat(r.errorCode()).isEqualTo(expected);
            }
        }
    }

    private OffsetCommitResponseData commit(String group, short v, int partition, long offset, Uuid topicId,
                                            int generation, String memberId) throws Exception {
        OffsetCommitRequestData req = new OffsetCommitRequestData().setGroupId(group)
                .setGenerationIdOrMemberEpoch(generation).setMemberId(memberId);
        OffsetCommitRequestData.OffsetCommitRequestTopic t = new OffsetCommitRequestData.OffsetCommitRequestTopic();
        if (v >= 10) {
            t.setTopicId(topicId);
        } else {
            t.setName(topicId.equals(topic.id()) ? topic.name() : "no-such-topic");
        }
        t.partitions().add(new OffsetCommitRequestData.OffsetCommitRequestPartition().setPartitionIndex(partition)
                .setCommittedOffset(offset).setCommittedMetadata("m" + v));
        req.topics().add(t);
        return (OffsetCommitResponseData) c.send(ApiKeys.OFFSET_COMMIT, v, req);
    }

    void offsetCommit(short v) throws Exception {
        String group = newGroup("commit", v);
        OffsetCommitResponseData r = commit(group, v, 1, 42, topic.id(), -1, "");
        assertThat(r.topics().get(0).partitions().get(0).errorCode()).isZero();
        // Errors: unknown partition, unknown topic, and a member commit to a group that does not exist.
        r = commit(group, v, 99, 1, topic.id(), -1, "");
        assertThat(r.topics().get(0).partitions().get(0).errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        r = commit(group, v, 0, 1, Uuid.randomUuid(), -1, "");
        assertThat(r.topics().get(0).partitions().get(0).errorCode())
                .isEqualTo(v >= 10 ? Errors.UNKNOWN_TOPIC_ID.code() : Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        r = commit(newGroup("commit-unknown", v), v, 0, 1, topic.id(), 3, "someone");
        assertThat(r.topics().get(0).partitions().get(0).errorCode())
                .isEqualTo(v >= 9 ? Errors.GROUP_ID_NOT_FOUND.code() : Errors.ILLEGAL_GENERATION.code());
        // A member of a stable group with the wrong generation.
        Member m = joinAndSync(newGroup("commit-member", v));
        r = commit(m.group(), v, 0, 5, topic.id(), m.generation(), m.memberId());
        assertThat(r.topics().get(0).partitions().get(0).errorCode()).isZero();
        r = commit(m.group(), v, 0, 6, topic.id(), m.generation() + 1, m.memberId());
        assertThat(r.topics().get(0).partitions().get(0).errorCode()).isEqualTo(Errors.ILLEGAL_GENERATION.code());
    }

    void offsetFetch(short v) throws Exception {
        String group = newGroup("fetch", v);
        assertThat(commit(group, (short) 9, 1, 77, topic.id(), -1, "").topics().get(0).partitions().get(0).errorCode())
                .isZero();
        OffsetFetchRequestData req = new OffsetFetchRequestData();
        if (v >= 8) {
            OffsetFetchRequestData.OffsetFetchRequestTopics t = new OffsetFetchRequestData.OffsetFetchRequestTopics()
                    .setPartitionIndexes(List.of(1, 0));
            if (v >= 10) {
                t.setTopicId(topic.id());
            } else {
                t.setName(topic.name());
            }
            req.groups().add(new OffsetFetchRequestData.OffsetFetchRequestGroup().setGroupId(group).setTopics(List.of(t)));
            req.groups().add(new OffsetFetchRequestData.OffsetFetchRequestGroup().setGroupId("no-such-group")
                    .setTopics(List.of(t.duplicate())));
            OffsetFetchResponseData r = (OffsetFetchResponseData) c.send(ApiKeys.OFFSET_FETCH, v, req);
            assertThat(r.groups()).hasSize(2);
            var parts = r.groups().get(0).topics().get(0).partitions();
            assertThat(parts.get(0).committedOffset()).isEqualTo(77);
            assertThat(parts.get(1).committedOffset()).isEqualTo(-1);
            assertThat(r.groups().get(1).topics().get(0).partitions().get(0).committedOffset()).isEqualTo(-1);
            if (v >= 10) { // error path: an unknown topic id
                OffsetFetchRequestData bad = new OffsetFetchRequestData();
                bad.groups().add(new OffsetFetchRequestData.OffsetFetchRequestGroup().setGroupId(group).setTopics(List.of(
                        new OffsetFetchRequestData.OffsetFetchRequestTopics().setTopicId(Uuid.randomUuid())
                                .setPartitionIndexes(List.of(0)))));
                OffsetFetchResponseData e = (OffsetFetchResponseData) c.send(ApiKeys.OFFSET_FETCH, v, bad);
                assertThat(e.groups().get(0).topics().get(0).partitions().get(0).errorCode())
                        .isEqualTo(Errors.UNKNOWN_TOPIC_ID.code());
            }
        } else {
            req.setGroupId(group).setTopics(List.of(new OffsetFetchRequestData.OffsetFetchRequestTopic()
                    .setName(topic.name()).setPartitionIndexes(List.of(1, 0))));
            OffsetFetchResponseData r = (OffsetFetchResponseData) c.send(ApiKeys.OFFSET_FETCH, v, req);
            var parts = r.topics().get(0).partitions();
            assertThat(parts.get(0).committedOffset()).isEqualTo(77);
            assertThat(parts.get(0).metadata()).isEqualTo("m9");
            assertThat(parts.get(1).committedOffset()).isEqualTo(-1);
            if (v >= 2) { // all topics of the group (null list)
                OffsetFetchResponseData all = (OffsetFetchResponseData) c.send(ApiKeys.OFFSET_FETCH, v,
                        new OffsetFetchRequestData().setGroupId(group).setTopics(null));
                assertThat(all.errorCode()).isZero();
                assertThat(all.topics()).hasSize(1);
                assertThat(all.topics().get(0).partitions()).hasSize(1);
            }
        }
    }

    void listGroups(short v) throws Exception {
        Member m = joinAndSync(newGroup("list", v));
        ListGroupsRequestData req = new ListGroupsRequestData();
        if (v >= 4) {
            req.setStatesFilter(List.of("Stable"));
        }
        ListGroupsResponseData r = (ListGroupsResponseData) c.send(ApiKeys.LIST_GROUPS, v, req);
        assertThat(r.errorCode()).isZero();
        assertThat(r.groups()).anyMatch(g -> g.groupId().equals(m.group()) && g.protocolType().equals("consumer"));
        if (v >= 4) {
            assertThat(r.groups()).allMatch(g -> g.groupState().equals("Stable"));
            req.setStatesFilter(List.of("Dead"));
            assertThat(((ListGroupsResponseData) c.send(ApiKeys.LIST_GROUPS, v, req)).groups()).isEmpty();
        }
        if (v >= 5) {
            req.setStatesFilter(List.of()).setTypesFilter(List.of("consumer"));
            assertThat(((ListGroupsResponseData) c.send(ApiKeys.LIST_GROUPS, v, req)).groups()).isEmpty();
        }
    }

    void describeGroups(short v) throws Exception {
        Member m = joinAndSync(newGroup("describe", v));
        DescribeGroupsRequestData req = new DescribeGroupsRequestData().setGroups(List.of(m.group(), "no-such-group"));
        if (v >= 3) {
            req.setIncludeAuthorizedOperations(true);
        }
        DescribeGroupsResponseData r = (DescribeGroupsResponseData) c.send(ApiKeys.DESCRIBE_GROUPS, v, req);
        DescribeGroupsResponseData.DescribedGroup g = r.groups().get(0);
        assertThat(g.errorCode()).isZero();
        assertThat(g.groupState()).isEqualTo("Stable");
        assertThat(g.protocolData()).isEqualTo("range");
        assertThat(g.members()).hasSize(1);
        assertThat(g.members().get(0).memberAssignment()).containsExactly(1, 2, 3);
        DescribeGroupsResponseData.DescribedGroup missing = r.groups().get(1);
        if (v >= 6) {
            assertThat(missing.errorCode()).isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());
        } else {
            assertThat(missing.errorCode()).isZero();
            assertThat(missing.groupState()).isEqualTo("Dead");
        }
    }

    void deleteGroups(short v) throws Exception {
        String empty = newGroup("delete", v);
        commit(empty, (short) 9, 0, 1, topic.id(), -1, "");
        Member busy = joinAndSync(newGroup("delete-busy", v));
        DeleteGroupsResponseData r = (DeleteGroupsResponseData) c.send(ApiKeys.DELETE_GROUPS, v,
                new DeleteGroupsRequestData().setGroupsNames(List.of(empty, busy.group(), "no-such-group")));
        assertThat(r.results().find(empty).errorCode()).isZero();
        assertThat(r.results().find(busy.group()).errorCode()).isEqualTo(Errors.NON_EMPTY_GROUP.code());
        assertThat(r.results().find("no-such-group").errorCode()).isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());
    }

    void offsetDelete(short v) throws Exception {
        String group = newGroup("offset-delete", v);
        commit(group, (short) 9, 0, 1, topic.id(), -1, "");
        OffsetDeleteRequestData req = new OffsetDeleteRequestData().setGroupId(group);
        OffsetDeleteRequestData.OffsetDeleteRequestTopic t = new OffsetDeleteRequestData.OffsetDeleteRequestTopic()
                .setName(topic.name());
        t.partitions().add(new OffsetDeleteRequestData.OffsetDeleteRequestPartition().setPartitionIndex(0));
        req.topics().add(t);
        OffsetDeleteResponseData r = (OffsetDeleteResponseData) c.send(ApiKeys.OFFSET_DELETE, v, req);
        assertThat(r.errorCode()).isZero();
        assertThat(r.topics().find(topic.name()).partitions().find(0).errorCode()).isZero();
        // A stable consumer group subscribed to the topic keeps its offsets; an unknown group is an error.
        Member m = joinAndSync(newGroup("offset-delete-busy", v));
        r = (OffsetDeleteResponseData) c.send(ApiKeys.OFFSET_DELETE, v, req.duplicate().setGroupId(m.group()));
        assertThat(r.topics().find(topic.name()).partitions().find(0).errorCode())
                .isEqualTo(Errors.GROUP_SUBSCRIBED_TO_TOPIC.code());
        r = (OffsetDeleteResponseData) c.send(ApiKeys.OFFSET_DELETE, v, req.duplicate().setGroupId("no-such-group"));
        assertThat(r.errorCode()).isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());
    }
}
