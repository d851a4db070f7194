package io.samsa.metadata;

import static io.samsa.metadata.ClusterTestSupport.join;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.metadata.ControllerApi.AclCreateResult;
import io.samsa.metadata.ControllerApi.AclDeleteResult;
import io.samsa.metadata.ControllerApi.AclOutcome;
import io.samsa.metadata.ControllerApi.NewAcl;

/**
 * ACL bindings in the metadata: created with Kafka's checks per binding, deleted by filter with the matched
 * bindings in each filter's result, kept through a snapshot and a restart and an image diff, and carried over
 * the controller channel.
 */
class AclsControllerTest {
    @TempDir
    Path dir;

    private static AclBinding acl(ResourceType type, String name, PatternType pattern, String principal,
                                  AclOperation op, AclPermissionType permission) {
        return new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry(principal, "*", op, permission));
    }

    /** A binding to create, which may hold values (ANY, MATCH) that an AclBinding refuses. */
    private static NewAcl raw(ResourceType type, String name, PatternType pattern, String principal,
                              AclOperation op, AclPermissionType permission) {
        return new NewAcl(type.code(), name, pattern.code(), principal, "*", op.code(), permission.code());
    }

    private static List<NewAcl> create(AclBinding... bindings) {
        return java.util.Arrays.stream(bindings).map(NewAcl::of).toList();
    }

    private static AclBinding allowWrite(String principal, String topic) {
        return acl(ResourceType.TOPIC, topic, PatternType.LITERAL, principal, AclOperation.WRITE,
                AclPermissionType.ALLOW);
    }

    private static AclBindingFilter topicFilter(String name) {
        return new AclBindingFilter(new ResourcePatternFilter(ResourceType.TOPIC, name, PatternType.ANY),
                AccessControlEntryFilter.ANY);
    }

    @Test
    void bindingsAreCheckedEachOnItsOwnAndADuplicateWritesNothing() throws Exception {
        try (MetadataTestSupport s = new MetadataTestSupport(dir)) {
            AclCreateResult r = join(s.controller.createAcls(List.of(
                    NewAcl.of(allowWrite("User:alice", "t")),
                    raw(ResourceType.ANY, "t", PatternType.LITERAL, "User:a", AclOperation.READ,
                            AclPermissionType.ALLOW),
                    raw(ResourceType.TOPIC, "t", PatternType.MATCH, "User:a", AclOperation.READ,
                            AclPermissionType.ALLOW),
                    raw(ResourceType.TOPIC, "t", PatternType.LITERAL, "User:a", AclOperation.ANY,
                            AclPermissionType.ALLOW),
                    raw(ResourceType.TOPIC, "t", PatternType.LITERAL, "User:a", AclOperation.READ,
                            AclPermissionType.ANY),
                    NewAcl.of(allowWrite("alice", "t")),
                    raw(ResourceType.TOPIC, "*", PatternType.PREFIXED, "User:a", AclOperation.READ,
                            AclPermissionType.ALLOW),
                    raw(ResourceType.CLUSTER, "other", PatternType.LITERAL, "User:a", AclOperation.ALTER,
                            AclPermissionType.ALLOW),
                    raw(ResourceType.TOPIC, "", PatternType.LITERAL, "User:a", AclOperation.READ,
                            AclPermissionType.ALLOW))));
            assertThat(r.outcomes()).hasSize(9);
            assertThat(r.outcomes().get(0)).isEqualTo(AclOutcome.OK);
            assertThat(r.outcomes().get(1)).isEqualTo(new AclOutcome(Errors.INVALID_REQUEST,
                    "Invalid resourceType ANY"));
            assertThat(r.outcomes().get(2).message()).isEqualTo("Invalid patternType MATCH");
            assertThat(r.outcomes().get(3).message()).isEqualTo("Invalid operation ANY");
            assertThat(r.outcomes().get(4).message()).isEqualTo("Invalid permissionType ANY");
            assertThat(r.outcomes().get(5).message()).startsWith("Could not parse principal from `alice`");
            assertThat(r.outcomes().subList(6, 9)).allMatch(o -> o.error() == Errors.INVALID_REQUEST);
            assertThat(s.state.image().acls().all()).hasSize(1);

            long before = s.state.image().offset();
            AclCreateResult again = join(s.controller.createAcls(create(allowWrite("User:alice", "t"))));
            assertThat(again.outcomes()).containsExactly(AclOutcome.OK);
            assertThat(s.state.image().acls().all()).hasSize(1);
            assertThat(s.state.image().offset()).isEqualTo(before);
        }
    }

    @Test
    void filtersDeleteWhatTheyMatchAndBindingsSurviveASnapshotAndARestart() throws Exception {
        try (MetadataTestSupport s = new MetadataTestSupport(dir, 1, 100)) {
            join(s.controller.createAcls(create(allowWrite("User:alice", "t"), allowWrite("User:bob", "t"),
                    allowWrite("User:alice", "u"), acl(ResourceType.GROUP, "g", PatternType.PREFIXED, "User:alice",
                            AclOperation.READ, AclPermissionType.ALLOW))));
            AclDeleteResult r = join(s.controller.deleteAcls(List.of(topicFilter("t"), topicFilter("t"),
                    new AclBindingFilter(new ResourcePatternFilter(ResourceType.UNKNOWN, null, PatternType.ANY),
                            AccessControlEntryFilter.ANY))));
            assertThat(r.filters().get(0).deleted()).containsExactlyInAnyOrder(allowWrite("User:alice", "t"),
                    allowWrite("User:bob", "t"));
            assertThat(r.filters().get(1).deleted()).hasSize(2); // the same bindings, removed once
            assertThat(r.filters().get(2).outcome()).isEqualTo(new AclOutcome(Errors.INVALID_REQUEST,
                    "Unknown patternFilter."));
            assertThat(r.offset()).isEqualTo(s.state.image().offset());
            assertThat(s.state.image().acls().all()).extracting(AclRecord::resourceName)
                    .containsExactlyInAnyOrder("u", "g");
        }
        try (MetadataTestSupport reopened = new MetadataTestSupport(dir, 1, 100)) {
            MetadataImage image = reopened.state.image();
            assertThat(image.acls().all()).extracting(AclRecord::toBinding).containsExactlyInAnyOrder(
                    allowWrite("User:alice", "u"), acl(ResourceType.GROUP, "g", PatternType.PREFIXED, "User:alice",
                            AclOperation.READ, AclPermissionType.ALLOW));
            MetadataImage rebuilt = new MetadataDelta(MetadataImage.EMPTY).replay(image.toRecords(), 7).apply();
            assertThat(rebuilt.acls()).isEqualTo(image.acls());
            // A diff to an image without one binding removes exactly that one.
            AclRecord gone = image.acls().ofType(ResourceType.GROUP.code()).get(0);
            MetadataImage without = new MetadataDelta(image).replay(List.of(new RemoveAclRecord(gone.id())), 99)
                    .apply();
            assertThat(ImageDiff.records(image, without)).containsExactly(new RemoveAclRecord(gone.id()));
            assertThat(ImageDiff.records(without, image)).containsExactly(gone);
        }
    }

    @Test
    void aclCallsRoundTripOverTheControllerChannel() throws Exception {
        try (ClusterTestSupport c = new ClusterTestSupport(dir)) {
            ControllerEventLoop loop = new ControllerEventLoop(c.controller, c.clock::get, 0, 0);
            loop.onBecomeActive();
            try {
                RemoteController remote = new RemoteController(new ControllerRequestServer(loop)::handle,
                        c::image, 3, 1);
                AclCreateResult created = join(remote.createAcls(create(allowWrite("User:alice", "t"),
                        allowWrite("nocolon", "t"))));
                assertThat(created.outcomes().get(0)).isEqualTo(AclOutcome.OK);
                assertThat(created.outcomes().get(1).error()).isEqualTo(Errors.INVALID_REQUEST);
                assertThat(created.offset()).isEqualTo(c.image().offset());
                AclDeleteResult deleted = join(remote.deleteAcls(List.of(topicFilter(null))));
                assertThat(deleted.filters().get(0).deleted()).containsExactly(allowWrite("User:alice", "t"));
                assertThat(c.image().acls().all()).isEmpty();
            } finally {
                loop.onResign();
            }
        }
    }
}
