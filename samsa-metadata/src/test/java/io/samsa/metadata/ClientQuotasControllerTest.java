package io.samsa.metadata;

import static io.samsa.metadata.ClusterTestSupport.join;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaAlteration.Op;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.metadata.ControllerApi.QuotaOutcome;
import io.samsa.metadata.ControllerApi.QuotaResult;

/**
 * Client quotas in the metadata: altered with Kafka's checks and messages per entity (and Samsa's refusal of the
 * quotas it does not enforce), only changes written, removals emptying an entity, kept through a snapshot, a
 * restart and an image diff, and carried over the controller channel.
 */
class ClientQuotasControllerTest {
    @TempDir
    Path dir;

    /** An entity from type/name pairs; a null name is the type's default. */
    private static ClientQuotaEntity entity(String... typeAndName) {
        Map<String, String> entries = new HashMap<>();
        for (int i = 0; i < typeAndName.length; i += 2) {
            entries.put(typeAndName[i], typeAndName[i + 1]);
        }
        return new ClientQuotaEntity(entries);
    }

    private static ClientQuotaAlteration alter(ClientQuotaEntity entity, Op... ops) {
        return new ClientQuotaAlteration(entity, Arrays.asList(ops));
    }

    private static QuotaOutcome invalid(String message) {
        return new QuotaOutcome(Errors.INVALID_REQUEST, message);
    }

    @Test
    void everyEntityIsCheckedOnItsOwnWithKafkasMessages() throws Exception {
        try (MetadataTestSupport s = new MetadataTestSupport(dir)) {
            ClientQuotaEntity alice = entity("user", "alice");
            ClientQuotaEntity ok = entity("user", "bob", "client-id", "c1");
            List<ClientQuotaAlteration> request = List.of(
                    alter(ok, new Op("producer_byte_rate", 1024.0), new Op("request_percentage", 12.5)),
                    alter(entity()),
                    alter(entity("group", "g"), new Op("producer_byte_rate", 1.0)),
                    alter(entity("user", ""), new Op("producer_byte_rate", 1.0)),
                    alter(entity("client-id", ""), new Op("producer_byte_rate", 1.0)),
                    alter(entity("ip", "10.0.0.1"), new Op("connection_creation_rate", 10.0)),
                    alter(entity("user", "z"), new Op("foo", 1.0)),
                    alter(entity("user", "n"), new Op("consumer_byte_rate", 0.0)),
                    alter(entity("user", "nan"), new Op("request_percentage", Double.NaN)),
                    alter(entity("user", "f"), new Op("producer_byte_rate", 1.5)),
                    alter(entity("user", "big"), new Op("producer_byte_rate", 1e20)),
                    alter(entity("user", "m"), new Op("controller_mutation_rate", 5.0)),
                    alter(entity("user", "k"), new Op("producer_byte_rate", 1.0), new Op("producer_byte_rate", 2.0)),
                    alter(alice, new Op("producer_byte_rate", 1.0)),
                    alter(alice, new Op("consumer_byte_rate", 1.0)));
            QuotaResult r = join(s.controller.alterClientQuotas(request, false));
            Map<ClientQuotaEntity, QuotaOutcome> out = r.entities();
            assertThat(out.get(ok)).isEqualTo(QuotaOutcome.OK);
            assertThat(out.get(entity())).isEqualTo(invalid("Invalid empty client quota entity"));
            assertThat(out.get(entity("group", "g"))).isEqualTo(invalid("Unhandled client quota entity type: group"));
            assertThat(out.get(entity("user", ""))).isEqualTo(invalid("Empty user not supported"));
            assertThat(out.get(entity("client-id", ""))).isEqualTo(invalid("Empty client-id not supported"));
            assertThat(out.get(entity("ip", "10.0.0.1")).message()).startsWith("Samsa does not support IP quotas");
            assertThat(out.get(entity("user", "z"))).isEqualTo(invalid("Invalid configuration key foo"));
            assertThat(out.get(entity("user", "n"))).isEqualTo(invalid("Quota consumer_byte_rate must be greater than 0"));
            assertThat(out.get(entity("user", "nan")))
                    .isEqualTo(invalid("Quota request_percentage must be greater than 0"));
            assertThat(out.get(entity("user", "f"))).isEqualTo(invalid("producer_byte_rate cannot be a fractional value."));
            assertThat(out.get(entity("user", "big")))
                    .isEqualTo(invalid("Proposed value for producer_byte_rate is too large for a LONG."));
            assertThat(out.get(entity("user", "m")).message())
                    .startsWith("Samsa does not support the controller_mutation_rate quota yet");
            assertThat(out.get(entity("user", "k")))
                    .isEqualTo(invalid("Ignoring duplicate entity ClientQuotaEntity(entries={user=k})"));
            assertThat(out.get(alice))
                    .isEqualTo(invalid("Ignoring duplicate entity ClientQuotaEntity(entries={user=alice})"));
            assertThat(out).hasSize(request.size() - 1); // alice once
            // Only the valid entity was written; a duplicated entity's first occurrence too is not.
            assertThat(s.state.image().quotas().byEntity())
                    .isEqualTo(Map.of(ok, Map.of("producer_byte_rate", 1024.0, "request_percentage", 12.5)));
            assertThat(r.offset()).isEqualTo(s.state.image().offset());
        }
    }

    @Test
    void onlyChangesAreWrittenAndTheLastRemovalDropsTheEntity() throws Exception {
        try (MetadataTestSupport s = new MetadataTestSupport(dir)) {
            ClientQuotaEntity userDefault = entity("user", null);
            join(s.controller.alterClientQuotas(List.of(alter(userDefault, new Op("producer_byte_rate", 100.0),
                    new Op("consumer_byte_rate", 200.0))), false));
            long offset = s.state.image().offset();

            // validateOnly: checked, answered, not written.
            QuotaResult dry = join(s.controller.alterClientQuotas(List.of(alter(userDefault,
                    new Op("producer_byte_rate", 5.0)), alter(entity("user", ""))), true));
            assertThat(dry.entities().get(userDefault)).isEqualTo(QuotaOutcome.OK);
            assertThat(dry.entities().get(entity("user", ""))).isEqualTo(invalid("Empty user not supported"));
            // The same values and a removal of an absent key: nothing to write.
            QuotaResult same = join(s.controller.alterClientQuotas(List.of(alter(userDefault,
                    new Op("producer_byte_rate", 100.0), new Op("request_percentage", null))), false));
            assertThat(same.entities().get(userDefault)).isEqualTo(QuotaOutcome.OK);
            assertThat(s.state.image().offset()).isEqualTo(offset);
            assertThat(s.state.image().quotas().get(userDefault, "producer_byte_rate")).isEqualTo(100.0);

            join(s.controller.alterClientQuotas(List.of(alter(userDefault, new Op("producer_byte_rate", null))),
                    false));
            assertThat(s.state.image().offset()).isEqualTo(offset + 1);
            assertThat(s.state.image().quotas().quotas(userDefault)).isEqualTo(Map.of("consumer_byte_rate", 200.0));
            join(s.controller.alterClientQuotas(List.of(alter(userDefault, new Op("consumer_byte_rate", null))),
                    false));
            assertThat(s.state.image().quotas().isEmpty()).isTrue();
        }
    }

    @Test
    void quotasSurviveASnapshotAndARestartAndDiff() throws Exception {
        ClientQuotaEntity both = entity("user", "alice", "client-id", null);
        ClientQuotaEntity client = entity("client-id", "c1");
        try (MetadataTestSupport s = new MetadataTestSupport(dir, 1, 100)) {
            join(s.controller.alterClientQuotas(List.of(alter(both, new Op("request_percentage", 33.3)),
                    alter(client, new Op("producer_byte_rate", 1024.0), new Op("consumer_byte_rate", 2048.0))),
                    false));
            join(s.controller.alterClientQuotas(List.of(alter(client, new Op("consumer_byte_rate", null))), false));
        }
        try (MetadataTestSupport reopened = new MetadataTestSupport(dir, 1, 100)) {
            MetadataImage image = reopened.state.image();
            assertThat(image.quotas().byEntity()).isEqualTo(Map.of(both, Map.of("request_percentage", 33.3),
                    client, Map.of("producer_byte_rate", 1024.0)));
            MetadataImage rebuilt = new MetadataDelta(MetadataImage.EMPTY).replay(image.toRecords(), 7).apply();
            assertThat(rebuilt.quotas()).isEqualTo(image.quotas());

            MetadataDelta delta = new MetadataDelta(image).replay(List.of(ClientQuotaRecord.removal(both,
                    "request_percentage"), ClientQuotaRecord.set(client, "producer_byte_rate", 1.0)), 99);
            assertThat(delta.changedQuotaEntities()).containsExactlyInAnyOrder(both, client);
            MetadataImage changed = delta.apply();
            assertThat(changed.quotas().byEntity()).isEqualTo(Map.of(client, Map.of("producer_byte_rate", 1.0)));
            assertThat(ImageDiff.records(image, changed)).containsExactlyInAnyOrder(
                    ClientQuotaRecord.removal(both, "request_percentage"),
                    ClientQuotaRecord.set(client, "producer_byte_rate", 1.0));
            assertThat(ImageDiff.records(changed, image)).containsExactlyInAnyOrder(
                    ClientQuotaRecord.set(both, "request_percentage", 33.3),
                    ClientQuotaRecord.set(client, "producer_byte_rate", 1024.0));
            assertThat(ImageDiff.records(image, image)).isEmpty();
        }
    }

    @Test
    void theRecordRoundTripsThroughTheCodecWithDefaultNames() throws Exception {
        List<MetadataRecord> records = List.of(ClientQuotaRecord.set(entity("user", null, "client-id", "c"),
                "producer_byte_rate", 5.0), ClientQuotaRecord.removal(entity("client-id", null), "request_percentage"));
        assertThat(MetadataRecordCodec.decode(ByteBuffer.wrap(MetadataRecordCodec.encode(records))))
                .isEqualTo(records);
    }

    @Test
    void quotaCallsRoundTripOverTheControllerChannel() throws Exception {
        try (ClusterTestSupport c = new ClusterTestSupport(dir)) {
            ControllerEventLoop loop = new ControllerEventLoop(c.controller, c.clock::get, 0, 0);
            loop.onBecomeActive();
            try {
                RemoteController remote = new RemoteController(new ControllerRequestServer(loop)::handle,
                        c::image, 3, 1);
                ClientQuotaEntity userDefault = entity("user", null);
                QuotaResult dry = join(remote.alterClientQuotas(List.of(alter(userDefault,
                        new Op("producer_byte_rate", 10.0))), true));
                assertThat(dry.entities()).isEqualTo(Map.of(userDefault, QuotaOutcome.OK));
                assertThat(c.image().quotas().isEmpty()).isTrue();
                QuotaResult r = join(remote.alterClientQuotas(List.of(alter(userDefault,
                        new Op("producer_byte_rate", 10.0)), alter(entity("user", "x"), new Op("bad", 1.0))), false));
                assertThat(r.entities().get(userDefault)).isEqualTo(QuotaOutcome.OK);
                assertThat(r.entities().get(entity("user", "x"))).isEqualTo(invalid("Invalid configuration key bad"));
                assertThat(r.offset()).isEqualTo(c.image().offset());
                assertThat(c.image().quotas().get(userDefault, "producer_byte_rate")).isEqualTo(10.0);
                join(remote.alterClientQuotas(List.of(alter(userDefault, new Op("producer_byte_rate", null))),
                        false));
                assertThat(c.image().quotas().isEmpty()).isTrue();
            } finally {
                loop.onResign();
            }
        }
    }
}
