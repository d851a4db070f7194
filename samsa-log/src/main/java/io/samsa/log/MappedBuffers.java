package io.samsa.log;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.MappedByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Releases a mapping at once instead of when the GC happens to collect the buffer (Kafka's
 * {@code ByteBufferUnmapper.unmap}): on Java 9+ through {@code sun.misc.Unsafe.invokeCleaner}, reached by
 * reflection because the JDK offers no public API. Touching an unmapped buffer crashes the JVM, so callers
 * must make sure no thread can still read it ({@link MappedIndex} unmaps under its write lock only).
 */
final class MappedBuffers {

    private static final Logger LOG = LoggerFactory.getLogger(MappedBuffers.class);
    private static final Object UNSAFE;
    private static final Method INVOKE_CLEANER;

    static {
        Object unsafe = null;
        Method cleaner = null;
        try {
            Class<?> c = Class.forName("sun.misc.Unsafe");
            Field f = c.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            unsafe = f.get(null);
            cleaner = c.getMethod("invokeCleaner", java.nio.ByteBuffer.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("Cannot unmap index files explicitly ({}); mappings are released by the GC", e.toString());
        }
        UNSAFE = unsafe;
        INVOKE_CLEANER = cleaner;
    }

    private MappedBuffers() {
    }

    /** Unmaps {@code buffer}; a no-op when explicit unmapping is unavailable. */
    static void unmap(MappedByteBuffer buffer) {
        if (buffer == null || INVOKE_CLEANER == null) {
            return;
        }
        try {
            INVOKE_CLEANER.invoke(UNSAFE, buffer);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("Failed to unmap an index buffer; the GC will release it", e);
        }
    }
}
