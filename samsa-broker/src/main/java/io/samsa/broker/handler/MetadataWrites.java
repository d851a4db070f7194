package io.samsa.broker.handler;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Helpers for handlers whose writes complete when the metadata controller commits them. */
final class MetadataWrites {
    private MetadataWrites() {
    }

    /** The failure a write's stage completed with, without the wrappers a CompletableFuture adds. */
    static Throwable cause(Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
