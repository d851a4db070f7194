package io.samsa.protocol;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

import org.apache.kafka.common.protocol.ApiMessage;

/**
 * Reads and sets {@code throttle_time_ms} on kafka-clients' generated response classes, for the responses that
 * have the field (most do; Produce, Fetch, Metadata, the group APIs...). The generated classes share no interface
 * for it, so each class's accessors are found once by reflection and kept ({@link ClassValue}). Every
 * {@code throttle_time_ms} in Kafka's schemas is in every version or ignorable, so a version without the field
 * simply leaves it out.
 *
 * <p>Thread-safe.
 */
public final class ThrottleTimes {
    private static final MethodType GETTER = MethodType.methodType(int.class);

    /** The class's getter and setter, or null when it has no throttle time. */
    private record Accessors(MethodHandle get, MethodHandle set) {
    }

    private static final ClassValue<Accessors> ACCESSORS = new ClassValue<>() {
        @Override
        protected Accessors computeValue(Class<?> type) {
            try {
                MethodHandles.Lookup lookup = MethodHandles.publicLookup();
                MethodHandle get = lookup.findVirtual(type, "throttleTimeMs", GETTER);
                MethodHandle set = lookup.findVirtual(type, "setThrottleTimeMs",
                        MethodType.methodType(type, int.class));
                return new Accessors(get, set);
            } catch (NoSuchMethodException | IllegalAccessException e) {
                return null;
            }
        }
    };

    private ThrottleTimes() {
    }

    /** Whether the response class has a throttle time field. */
    public static boolean hasField(ApiMessage response) {
        return ACCESSORS.get(response.getClass()) != null;
    }

    /** The response's throttle time; 0 when it has no such field. */
    public static int get(ApiMessage response) {
        Accessors a = ACCESSORS.get(response.getClass());
        if (a == null) {
            return 0;
        }
        try {
            return (int) a.get().invoke(response);
        } catch (Throwable t) {
            throw new IllegalStateException("throttleTimeMs of " + response.getClass().getName(), t);
        }
    }

    /** Sets the response's throttle time; does nothing when it has no such field. */
    public static void set(ApiMessage response, int throttleTimeMs) {
        Accessors a = ACCESSORS.get(response.getClass());
        if (a == null) {
            return;
        }
        try {
            a.set().invoke(response, throttleTimeMs);
        } catch (Throwable t) {
            throw new IllegalStateException("setThrottleTimeMs of " + response.getClass().getName(), t);
        }
    }
}
