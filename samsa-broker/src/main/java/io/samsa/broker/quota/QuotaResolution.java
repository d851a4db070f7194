package io.samsa.broker.quota;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.common.quota.ClientQuotaEntity;

import io.samsa.metadata.ClientQuotasImage;

/**
 * Which quota of one type applies to a (user, client id), for one metadata image: Kafka's KIP-55 precedence
 * ({@code DefaultQuotaCallback}), most specific first —
 * /users/u/clients/c, /users/u/clients/&lt;default&gt;, /users/u, /users/&lt;default&gt;/clients/c,
 * /users/&lt;default&gt;/clients/&lt;default&gt;, /users/&lt;default&gt;, /clients/c, /clients/&lt;default&gt;.
 * The entity that matched decides whose rate is charged ({@link Bucket}): a quota on a user alone is shared by
 * all of that user's client ids, one on a client id alone by every user of it.
 *
 * <p>Immutable apart from its cache of answers, which any thread may fill (the image it was made from does not
 * change, so an answer never goes stale; a new image gets a new resolution). The cache is emptied when it reaches
 * {@value #MAX_ANSWERS} entries: clients with ever new client ids must not grow it without bound, and an answer
 * is cheap to find again.
 */
final class QuotaResolution {
    /** Whose rate a request is charged to (Kafka's sensor tags): {@code ""} for a part the entity leaves out. */
    record Tags(String user, String clientId) {
    }

    /** The rate charged and its quota; the tags outlive a change of the quota's value (the rate is kept). */
    record Bucket(Tags tags, double quota) {
        Bucket(String user, String clientId, double quota) {
            this(new Tags(user, clientId), quota);
        }
    }

    /** A user or client id part of an entity: {@code DEFAULT} for the default entity, absent is null. */
    private static final String DEFAULT = "\u0000<default>";

    private record Entity(String user, String clientId) {
    }

    private record Key(String user, String clientId) {
    }

    final ClientQuotasImage image;
    private final Map<Entity, Double> quotas = new HashMap<>();
    private final ConcurrentHashMap<Key, Bucket> answers = new ConcurrentHashMap<>();
    static final int MAX_ANSWERS = 10_000;
    /** Stands for "no quota" in the cache (ConcurrentHashMap holds no nulls). */
    private static final Bucket NONE = new Bucket("", "", Double.NaN);

    QuotaResolution(ClientQuotasImage image, String quotaKey) {
        this.image = image;
        image.byEntity().forEach((entity, values) -> {
            Double quota = values.get(quotaKey);
            if (quota != null) {
                quotas.put(entity(entity), quota);
            }
        });
    }

    /** The bucket the request is charged to, or null when no quota applies to it. */
    Bucket resolve(String user, String clientId) {
        if (quotas.isEmpty()) {
            return null;
        }
        if (answers.size() >= MAX_ANSWERS) {
            answers.clear();
        }
        Bucket b = answers.computeIfAbsent(new Key(user, clientId), k -> find(k.user(), k.clientId()));
        return b == NONE ? null : b;
    }

    private Bucket find(String user, String client) {
        Double q;
        if ((q = quotas.get(new Entity(user, client))) != null
                || (q = quotas.get(new Entity(user, DEFAULT))) != null) {
            return new Bucket(user, client, q);
        }
        if ((q = quotas.get(new Entity(user, null))) != null) {
            return new Bucket(user, "", q);
        }
        if ((q = quotas.get(new Entity(DEFAULT, client))) != null
                || (q = quotas.get(new Entity(DEFAULT, DEFAULT))) != null) {
            return new Bucket(user, client, q);
        }
        if ((q = quotas.get(new Entity(DEFAULT, null))) != null) {
            return new Bucket(user, "", q);
        }
        if ((q = quotas.get(new Entity(null, client))) != null
                || (q = quotas.get(new Entity(null, DEFAULT))) != null) {
            return new Bucket("", client, q);
        }
        return NONE;
    }

    private static Entity entity(ClientQuotaEntity entity) {
        Map<String, String> parts = entity.entries();
        return new Entity(part(parts, ClientQuotaEntity.USER), part(parts, ClientQuotaEntity.CLIENT_ID));
    }

    private static String part(Map<String, String> parts, String type) {
        if (!parts.containsKey(type)) {
            return null;
        }
        String name = parts.get(type);
        return name == null ? DEFAULT : name;
    }
}
