package io.samsa.metadata;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Replaces a file atomically and durably (temp file, fsync, rename, fsync of the directory). The broker passes
 * samsa-log's {@code LogFiles::writeAtomically}, the project's one such helper: this module must not depend on
 * samsa-log, so it takes the helper instead of carrying a copy.
 */
@FunctionalInterface
public interface AtomicFileWriter {
    void write(Path target, byte[] content) throws IOException;
}
