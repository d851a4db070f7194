package io.samsa.metadata;

import java.util.Objects;

import org.apache.kafka.common.Uuid;

/** The ACL binding with this id is deleted (Kafka's RemoveAccessControlEntryRecord). */
public record RemoveAclRecord(Uuid id) implements MetadataRecord {
    public RemoveAclRecord {
        Objects.requireNonNull(id, "id");
    }
}
