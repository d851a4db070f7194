package io.samsa.broker.handler;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.samsa.broker.topic.TopicRegistry;
import io.samsa.metadata.ControllerApi.AlterTopicConfigs;
import io.samsa.metadata.ControllerApi.ConfigChange;

/**
 * What IncrementalAlterConfigs and AlterConfigs do with one resource. A topic's change goes through the metadata
 * controller and is answered once applied here. Broker configs are static in Samsa: a change is refused with
 * INVALID_REQUEST (Kafka's answer for a config that is not dynamic; for one Kafka could change at run time the
 * message says Samsa cannot), never a silent success; so are log levels (BROKER_LOGGER) and other types.
 */
final class ConfigAlterations {
    private static final Logger log = LoggerFactory.getLogger(ConfigAlterations.class);

    /**
     * Broker configs Kafka can change at run time (cluster-wide or per broker; the common ones), besides the
     * topic defaults ({@code log.*}), which are dynamic in Kafka too. Only the refusal's wording depends on it.
     */
    private static final Set<String> KAFKA_DYNAMIC = Set.of("message.max.bytes", "min.insync.replicas",
            "unclean.leader.election.enable", "compression.type", "num.io.threads", "num.network.threads",
            "num.replica.fetchers", "num.recovery.threads.per.data.dir", "background.threads", "max.connections",
            "max.connections.per.ip", "max.connections.per.ip.overrides", "max.connection.creation.rate",
            "listeners", "advertised.listeners", "listener.security.protocol.map", "producer.id.expiration.ms",
            "follower.replication.throttled.rate", "leader.replication.throttled.rate", "metric.reporters");

    /** The outcome of one resource: NONE or an error code and message. */
    record Outcome(Errors error, String message) {
        static final Outcome OK = new Outcome(Errors.NONE, null);
    }

    private ConfigAlterations() {
    }

    /** Applies (or checks) the changes to one resource; the stage never fails, it carries the outcome. */
    static CompletionStage<Outcome> alter(TopicRegistry topics, byte resourceType, String resourceName,
                                          List<ConfigChange> changes, boolean replace, boolean validateOnly) {
        ConfigResource.Type type = ConfigResource.Type.forId(resourceType);
        switch (type) {
            case TOPIC -> {
                return topics.alterConfigsAsync(new AlterTopicConfigs(resourceName, changes, replace, validateOnly))
                        .handle((v, error) -> error == null ? Outcome.OK : outcome(resourceName,
                                MetadataWrites.cause(error)));
            }
            case BROKER -> {
                return done(Errors.INVALID_REQUEST, brokerRefusal(resourceName, changes));
            }
            case BROKER_LOGGER -> {
                return done(Errors.INVALID_REQUEST, "Samsa does not change log levels at run time (BROKER_LOGGER "
                        + resourceName + "); set them in the logging configuration.");
            }
            default -> {
                return done(Errors.INVALID_REQUEST, "Unexpected resource type " + resourceType
                        + (replace ? " for AlterConfigs." : " for IncrementalAlterConfigs."));
            }
        }
    }

    /** Kafka's message for configs that are not dynamic; Samsa's own for those Kafka could change. */
    private static String brokerRefusal(String broker, List<ConfigChange> changes) {
        List<String> keys = changes.stream().map(ConfigChange::key).toList();
        String resource = "ConfigResource(type=BROKER, name='" + broker + "')";
        List<String> dynamic = keys.stream().filter(k -> KAFKA_DYNAMIC.contains(k) || k.startsWith("log.")).toList();
        if (dynamic.isEmpty()) {
            return "Invalid config value for resource " + resource + ": Cannot update these configs dynamically: "
                    + "Set(" + String.join(", ", keys) + ")";
        }
        return "Invalid config value for resource " + resource + ": Samsa does not update broker configs "
                + "dynamically (" + String.join(", ", dynamic) + "); set them in server.properties and restart.";
    }

    private static Outcome outcome(String topic, Throwable e) {
        if (e instanceof ApiException) {
            return new Outcome(Errors.forException(e), e.getMessage());
        }
        log.error("Altering the configs of topic {} failed", topic, e);
        return new Outcome(Errors.UNKNOWN_SERVER_ERROR, e.getMessage());
    }

    private static CompletionStage<Outcome> done(Errors error, String message) {
        return CompletableFuture.completedFuture(new Outcome(error, message));
    }
}
