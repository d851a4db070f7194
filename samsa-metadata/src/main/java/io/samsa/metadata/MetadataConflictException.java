package io.samsa.metadata;

import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.protocol.Errors;

/**
 * A batch contradicts the image it is applied to in a way a concurrent or stale writer can cause: a topic created
 * twice, a partition change written against an old partition epoch. {@link MetadataDelta#replay} throws it; the
 * apply path rejects the whole batch — deterministically, since every replica applies it to the same image — and
 * leaves the image as it was. The writer's append fails with {@link #toApiException()}.
 */
public final class MetadataConflictException extends IllegalStateException {
    private final Errors error;

    public MetadataConflictException(Errors error, String message) {
        super(message);
        this.error = error;
    }

    /** The Kafka error a client of the write should see. */
    public Errors error() {
        return error;
    }

    public ApiException toApiException() {
        return error.exception(getMessage());
    }
}
