package io.samsa.metadata;

import static io.samsa.metadata.ClusterTestSupport.join;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.metadata.ControllerApi.AlterScramCredentials;
import io.samsa.metadata.ControllerApi.ScramDeletion;
import io.samsa.metadata.ControllerApi.ScramResult;
import io.samsa.metadata.ControllerApi.ScramUpsertion;
import io.samsa.metadata.ControllerApi.UserOutcome;
import io.samsa.protocol.ScramMechanism;

/**
 * SCRAM credentials in the metadata (KIP-554): the controller keeps only salt, stored key, server key and
 * iterations, checks each user's change with Kafka's codes, and the credentials survive a snapshot and a restart
 * and cross the controller channel.
 */
class ScramCredentialsControllerTest {
    private static final byte SHA256 = ScramMechanism.SCRAM_SHA_256.type();
    private static final byte SHA512 = ScramMechanism.SCRAM_SHA_512.type();
    private static final byte[] SALT = "salt-of-alice".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private static ScramUpsertion upsert(String user, byte mechanism, int iterations, String password) {
        ScramMechanism m = ScramMechanism.forType(mechanism);
        byte[] salted = m == null ? new byte[] {1} : m.saltedPassword(password, SALT, Math.max(iterations, 1));
        return new ScramUpsertion(user, mechanism, iterations, SALT, salted);
    }

    private static AlterScramCredentials alter(List<ScramDeletion> deletions, List<ScramUpsertion> upsertions) {
        return new AlterScramCredentials(deletions, upsertions);
    }

    @Test
    void credentialsAreStoredAsKeysAndSurviveASnapshotAndARestart() throws Exception {
        try (MetadataTestSupport s = new MetadataTestSupport(dir, 1, 100)) {
            ScramResult r = join(s.controller.alterScramCredentials(alter(List.of(),
                    List.of(upsert("alice", SHA512, 4096, "alice-secret"), upsert("bob", SHA256, 8192, "b")))));
            assertThat(r.users()).containsEntry("alice", UserOutcome.OK).containsEntry("bob", UserOutcome.OK);
            assertThat(r.offset()).isEqualTo(s.state.image().offset());

            ScramCredentialRecord alice = s.state.image().scram().credential("alice", SHA512);
            ScramMechanism m = ScramMechanism.SCRAM_SHA_512;
            byte[] salted = m.saltedPassword("alice-secret", SALT, 4096);
            assertThat(alice.salt()).isEqualTo(SALT);
            assertThat(alice.iterations()).isEqualTo(4096);
            assertThat(alice.storedKey()).isEqualTo(m.hash(m.clientKey(salted)));
            assertThat(alice.serverKey()).isEqualTo(m.serverKey(salted));
            assertThat(alice.toString()).doesNotContain(new String(alice.storedKey(), StandardCharsets.ISO_8859_1));

            join(s.controller.alterScramCredentials(alter(List.of(new ScramDeletion("bob", SHA256)), List.of())));
            assertThat(s.state.image().scram().users()).containsExactly("alice");
        }
        // snapshotBytes 1: the reopened image comes from the snapshot, whose records hold the credential.
        try (MetadataTestSupport reopened = new MetadataTestSupport(dir, 1, 100)) {
            MetadataImage image = reopened.state.image();
            assertThat(image.scram().users()).containsExactly("alice");
            assertThat(image.scram().credential("alice", SHA512).iterations()).isEqualTo(4096);
            MetadataImage rebuilt = new MetadataDelta(MetadataImage.EMPTY).replay(image.toRecords(), 7).apply();
            assertThat(rebuilt.scram()).isEqualTo(image.scram());
        }
    }

    @Test
    void eachUserIsCheckedOnItsOwnWithKafkasCodes() throws Exception {
        try (MetadataTestSupport s = new MetadataTestSupport(dir)) {
            join(s.controller.alterScramCredentials(alter(List.of(), List.of(upsert("twice", SHA256, 4096, "p")))));
            ScramResult r = join(s.controller.alterScramCredentials(alter(
                    List.of(new ScramDeletion("ghost", SHA256), new ScramDeletion("twice", SHA256),
                            new ScramDeletion("twice", SHA512)),
                    List.of(upsert("ok", SHA256, 4096, "p"), upsert("", SHA256, 4096, "p"),
                            upsert("few", SHA256, 4095, "p"), upsert("many", SHA512, 16385, "p"),
                            upsert("odd", (byte) 9, 4096, "p"), upsert("dup", SHA256, 4096, "p"),
                            upsert("dup", SHA512, 4096, "p")))));
            assertThat(r.users().get("ok")).isEqualTo(UserOutcome.OK);
            assertThat(r.users().get("ghost")).isEqualTo(new UserOutcome(Errors.RESOURCE_NOT_FOUND,
                    "Attempt to delete a user credential that does not exist"));
            assertThat(r.users().get("twice").error()).isEqualTo(Errors.DUPLICATE_RESOURCE);
            assertThat(r.users().get("dup").error()).isEqualTo(Errors.DUPLICATE_RESOURCE);
            assertThat(r.users().get("").error()).isEqualTo(Errors.UNACCEPTABLE_CREDENTIAL);
            assertThat(r.users().get("few")).isEqualTo(new UserOutcome(Errors.UNACCEPTABLE_CREDENTIAL,
                    "Too few iterations"));
            assertThat(r.users().get("many")).isEqualTo(new UserOutcome(Errors.UNACCEPTABLE_CREDENTIAL,
                    "Too many iterations"));
            assertThat(r.users().get("odd").error()).isEqualTo(Errors.UNSUPPORTED_SASL_MECHANISM);
            // Only the valid user's change was written.
            assertThat(s.state.image().scram().users()).containsExactlyInAnyOrder("ok", "twice");
        }
    }

    @Test
    void credentialChangesRoundTripOverTheControllerChannel() throws Exception {
        try (ClusterTestSupport c = new ClusterTestSupport(dir)) {
            ControllerEventLoop loop = new ControllerEventLoop(c.controller, c.clock::get, 0, 0);
            loop.onBecomeActive();
            try {
                RemoteController remote = new RemoteController(new ControllerRequestServer(loop)::handle,
                        c::image, 3, 1);
                ScramResult r = join(remote.alterScramCredentials(alter(List.of(),
                        List.of(upsert("alice", SHA256, 4096, "pw"), upsert("x", SHA256, 10, "pw")))));
                assertThat(r.offset()).isEqualTo(c.image().offset());
                assertThat(r.users().get("alice")).isEqualTo(UserOutcome.OK);
                assertThat(r.users().get("x")).isEqualTo(new UserOutcome(Errors.UNACCEPTABLE_CREDENTIAL,
                        "Too few iterations"));
                ScramMechanism m = ScramMechanism.SCRAM_SHA_256;
                assertThat(c.image().scram().credential("alice", SHA256).serverKey())
                        .isEqualTo(m.serverKey(m.saltedPassword("pw", SALT, 4096)));
            } finally {
                loop.onResign();
            }
        }
    }
}
