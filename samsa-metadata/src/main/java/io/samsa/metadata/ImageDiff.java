package io.samsa.metadata;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.apache.kafka.common.config.ConfigResource;

/**
 * The records that turn one image into another, for a snapshot that replaces the image of a replica which fell
 * behind ({@link MetadataStateMachine#reloaded}): replayed on the old image they give a delta that names only
 * what differs, so a publisher deletes the logs of topics that are really gone and keeps the rest. Removals come
 * first (a removed topic's name may be taken by a new topic), then creations, changed partitions, configs,
 * producer ids, SCRAM credentials, ACL bindings, client quotas and brokers. A broker missing from the new image cannot be expressed (no record removes one).
 */
final class ImageDiff {
    private ImageDiff() {
    }

    static List<MetadataRecord> records(MetadataImage from, MetadataImage to) {
        List<MetadataRecord> records = new ArrayList<>();
        Set<String> removedNames = new HashSet<>();
        for (TopicImage old : from.topics().all()) {
            if (to.topics().get(old.id()) == null) {
                records.add(new RemoveTopicRecord(old.id()));
                removedNames.add(old.name()); // its configs go with it
            }
        }
        for (TopicImage topic : to.topics().all()) {
            TopicImage old = from.topics().get(topic.id());
            if (old == null) {
                records.add(new TopicRecord(topic.name(), topic.id()));
                records.addAll(topic.partitions().values());
            } else {
                topic.partitions().forEach((p, partition) -> {
                    if (!partition.equals(old.partitions().get(p))) {
                        records.add(partition);
                    }
                });
            }
        }
        Set<ConfigResource> resources = new HashSet<>(from.configs().byResource().keySet());
        resources.addAll(to.configs().byResource().keySet());
        for (ConfigResource resource : resources) {
            boolean wiped = resource.type() == ConfigResource.Type.TOPIC && removedNames.contains(resource.name());
            Map<String, String> before = wiped ? Map.of()
                    : from.configs().byResource().getOrDefault(resource, Map.of());
            Map<String, String> after = to.configs().byResource().getOrDefault(resource, Map.of());
            before.keySet().stream().filter(k -> !after.containsKey(k)).forEach(k ->
                    records.add(new ConfigRecord(resource.type(), resource.name(), k, null)));
            after.forEach((k, v) -> {
                if (!Objects.equals(v, before.get(k))) {
                    records.add(new ConfigRecord(resource.type(), resource.name(), k, v));
                }
            });
        }
        if (to.nextProducerId() > from.nextProducerId()) {
            records.add(new ProducerIdsRecord(-1, to.nextProducerId() - 1, 1));
        }
        from.scram().byUser().forEach((user, credentials) -> credentials.keySet().forEach(mechanism -> {
            if (to.scram().credential(user, mechanism) == null) {
                records.add(new RemoveScramCredentialRecord(user, mechanism));
            }
        }));
        to.scram().byUser().forEach((user, credentials) -> credentials.forEach((mechanism, credential) -> {
            if (!credential.equals(from.scram().credential(user, mechanism))) {
                records.add(credential);
            }
        }));
        from.acls().byId().keySet().stream().filter(id -> to.acls().get(id) == null)
                .forEach(id -> records.add(new RemoveAclRecord(id)));
        to.acls().byId().forEach((id, acl) -> {
            if (from.acls().get(id) == null) {
                records.add(acl); // a binding never changes under its id
            }
        });
        from.quotas().byEntity().forEach((entity, quotas) -> quotas.keySet().forEach(key -> {
            if (to.quotas().get(entity, key) == null) {
                records.add(ClientQuotaRecord.removal(entity, key));
            }
        }));
        to.quotas().byEntity().forEach((entity, quotas) -> quotas.forEach((key, value) -> {
            if (!value.equals(from.quotas().get(entity, key))) {
                records.add(ClientQuotaRecord.set(entity, key, value));
            }
        }));
        to.brokers().forEach((id, broker) -> {
            if (!broker.equals(from.brokers().get(id))) {
                records.add(broker);
            }
        });
        return records;
    }
}
