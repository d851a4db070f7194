package io.samsa.broker.fuzz;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Random;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Message;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.utils.internals.ImplicitLinkedHashCollection;

import io.samsa.protocol.WireCodec;

/**
 * Builds a request of any API key at any version from kafka-clients' generated {@code *RequestData} class, by
 * reflection: every {@code setX} of the message and of its nested structs gets a value from {@link FuzzValues}
 * (plausible names, ids, offsets, timeouts, valid record batches, or boundary values).
 *
 * <p>Which fields exist at which version is not spelt out here: each field is set on the message already
 * attached to the root, the root is encoded at the target version, and the field is put back if that throws
 * (a non-default value in a field the version lacks, a null where none is allowed, a string too long...).
 * What remains always encodes. Used by one fuzz worker thread at a time (not thread-safe: its Random).
 */
final class RandomRequestBuilder {
    private static final int MAX_DEPTH = 4;
    private static final double SET_FIELD_CHANCE = 0.85;

    private final Random random;
    private final FuzzValues values;

    RandomRequestBuilder(Random random, FuzzValues values) {
        this.random = random;
        this.values = values;
    }

    /** A request body for {@code key} that encodes at {@code version}, with random plausible field values. */
    ApiMessage build(ApiKeys key, short version) {
        ApiMessage root = key.messageType.newRequest();
        values.newMessage();
        fill(root, root, key, version, 0);
        WireCodec.encodeRequest(key, version, "fuzz", 1, root); // proves it encodes
        return root;
    }

    private void fill(Message target, ApiMessage root, ApiKeys key, short version, int depth) {
        for (Method setter : setters(target.getClass())) {
            if (random.nextDouble() > SET_FIELD_CHANCE) {
                continue;
            }
            Object before = get(target, setter);
            try {
                Object value = valueFor(setter, target, root, key, version, depth);
                if (value == SKIP) {
                    continue;
                }
                setter.invoke(target, value);
                if (value instanceof Collection<?> children) {
                    fillAttached(target, setter, children, root, key, version, depth);
                }
                WireCodec.encodeRequest(key, version, "fuzz", 1, root);
            } catch (ReflectiveOperationException | RuntimeException e) {
                set(target, setter, before);
            }
        }
    }

    private static final Object SKIP = new Object();

    /**
     * Struct elements of a list or collection are added empty and filled once attached, so that each of their
     * fields is checked against the root. A keyed collection hashed its elements on insertion: it is rebuilt.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private void fillAttached(Message target, Method setter, Collection<?> children, ApiMessage root, ApiKeys key,
            short version, int depth) throws ReflectiveOperationException {
        List<Object> elements = new ArrayList<>(children);
        if (elements.isEmpty() || !(elements.get(0) instanceof Message)) {
            return;
        }
        for (Object e : elements) {
            fill((Message) e, root, key, version, depth + 1);
        }
        if (children instanceof ImplicitLinkedHashCollection<?>) {
            // An element still linked into a collection is refused by add(); the iterator unlinks without hashing.
            for (var it = children.iterator(); it.hasNext(); ) {
                it.next();
                it.remove();
            }
            Collection rebuilt = (Collection) children.getClass().getDeclaredConstructor().newInstance();
            rebuilt.addAll(elements);
            setter.invoke(target, rebuilt);
        }
    }

    private Object valueFor(Method setter, Message owner, ApiMessage root, ApiKeys key, short version, int depth)
            throws ReflectiveOperationException {
        Class<?> type = setter.getParameterTypes()[0];
        String field = fieldName(setter);
        String context = owner.getClass().getSimpleName();
        if (type == int.class) {
            return values.intFor(field, context);
        } else if (type == short.class) {
            return (short) values.intFor(field, context);
        } else if (type == byte.class) {
            return (byte) values.intFor(field, context);
        } else if (type == long.class) {
            return values.longFor(field);
        } else if (type == boolean.class) {
            return random.nextBoolean();
        } else if (type == double.class) {
            return random.nextDouble();
        } else if (type == String.class) {
            return values.stringFor(field, context, key);
        } else if (type == Uuid.class) {
            return values.uuidFor(field, key);
        } else if (type == byte[].class) {
            return values.bytes();
        } else if (type == ByteBuffer.class) {
            return ByteBuffer.wrap(values.bytes());
        } else if (BaseRecords.class.isAssignableFrom(type)) {
            return values.records();
        } else if (List.class.isAssignableFrom(type)) {
            return list(setter, root, key, version, depth);
        } else if (ImplicitLinkedHashCollection.class.isAssignableFrom(type)) {
            return collection(type, root, key, version, depth);
        } else if (Message.class.isAssignableFrom(type) && depth < MAX_DEPTH) {
            Message child = (Message) type.getDeclaredConstructor().newInstance();
            fill(child, root, key, version, depth + 1); // not attached yet: its fields are checked on attach
            return child;
        }
        return SKIP;
    }

    private Object list(Method setter, ApiMessage root, ApiKeys key, short version, int depth)
            throws ReflectiveOperationException {
        Type generic = setter.getGenericParameterTypes()[0];
        Class<?> element = generic instanceof ParameterizedType p && p.getActualTypeArguments()[0] instanceof Class<?> c
                ? c : Object.class;
        int n = values.listSize();
        String field = fieldName(setter);
        List<Object> out = new ArrayList<>();
        if (element == Integer.class) {
            for (int i = 0; i < n; i++) {
                out.add(values.intFor(field, ""));
            }
        } else if (element == Long.class) {
            for (int i = 0; i < n; i++) {
                out.add(values.longFor(field));
            }
        } else if (element == String.class) {
            for (int i = 0; i < n; i++) {
                String v = values.stringFor(field, "", key);
                out.add(v == null ? "" : v);
            }
        } else if (element == Uuid.class) {
            for (int i = 0; i < n; i++) {
                out.add(values.uuidFor(field, key));
            }
        } else if (Message.class.isAssignableFrom(element) && depth < MAX_DEPTH) {
            for (int i = 0; i < n; i++) {
                out.add(element.getDeclaredConstructor().newInstance()); // filled once attached, see fill()
            }
        } else {
            return SKIP;
        }
        return out;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private Object collection(Class<?> type, ApiMessage root, ApiKeys key, short version, int depth)
            throws ReflectiveOperationException {
        if (depth >= MAX_DEPTH) {
            return SKIP;
        }
        Type superType = type.getGenericSuperclass();
        if (!(superType instanceof ParameterizedType p) || !(p.getActualTypeArguments()[0] instanceof Class<?> element)) {
            return SKIP;
        }
        Collection coll = (Collection) type.getDeclaredConstructor().newInstance();
        int n = values.listSize();
        for (int i = 0; i < n; i++) {
            coll.add(element.getDeclaredConstructor().newInstance()); // filled once attached, see fillAttached()
        }
        return coll;
    }

    private static List<Method> setters(Class<?> type) {
        List<Method> out = new ArrayList<>();
        for (Method m : type.getMethods()) {
            if (m.getName().startsWith("set") && m.getParameterCount() == 1 && !Modifier.isStatic(m.getModifiers())
                    && m.getReturnType() == type) {
                out.add(m);
            }
        }
        out.sort((a, b) -> a.getName().compareTo(b.getName())); // reflection order is unspecified; seeds must replay
        return out;
    }

    private static String fieldName(Method setter) {
        String s = setter.getName().substring(3);
        return Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }

    private static Object get(Message target, Method setter) {
        try {
            return target.getClass().getMethod(fieldName(setter)).invoke(target);
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    private static void set(Message target, Method setter, Object value) {
        try {
            setter.invoke(target, value);
        } catch (ReflectiveOperationException | RuntimeException ignored) {
            // the field keeps whatever it has; the final encode in build() still proves the message valid
        }
    }
}
