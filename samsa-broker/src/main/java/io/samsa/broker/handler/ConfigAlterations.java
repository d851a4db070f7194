package io.samsa.broker.handler;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.samsa.broker.topic.BrokerConfigRules;
import io.samsa.broker.topic.DynamicLogDefaults;
import io.samsa.broker.topic.TopicRegistry;
import io.samsa.metadata.ControllerApi.AlterBrokerConfigs;
import io.samsa.metadata.ControllerApi.AlterTopicConfigs;
import io.samsa.metadata.ControllerApi.ConfigChange;

/**
 * What IncrementalAlterConfigs and AlterConfigs do with one resource. A topic's change, and a change of Kafka's
 * dynamic broker configs (KIP-226: resource {@code ""} the cluster-wide default, {@code "<id>"} one broker; the log
 * defaults of {@link DynamicLogDefaults#TOPIC_CONFIG_OF}), go through the metadata controller and are answered once
 * applied here. Any other broker key is refused with INVALID_REQUEST (Kafka's message for a config that is not
 * dynamic; for one Kafka could change at run time the message says Samsa does not), never a silent success; so are
 * log levels (BROKER_LOGGER) and other types. Called on a request-handler thread.
 */
final class ConfigAlterations {
    private static final Logger log = LoggerFactory.getLogger(ConfigAlterations.class);

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
                        .handle((v, error) -> error == null ? Outcome.OK : outcome("topic " + resourceName,
                                MetadataWrites.cause(error)));
            }
            case BROKER -> {
                // Checked here too, for a DELETE of a key that is not dynamic (the controller sees only the result).
                String refusal = BrokerConfigRules.refusal(resourceName,
                        changes.stream().map(ConfigChange::key).toList());
                if (refusal != null) {
                    return done(Errors.INVALID_REQUEST, refusal);
                }
                return topics.alterBrokerConfigsAsync(new AlterBrokerConfigs(resourceName, changes, replace,
                        validateOnly)).handle((v, error) -> error == null ? Outcome.OK
                        : outcome("broker " + (resourceName.isEmpty() ? "<default>" : resourceName),
                        MetadataWrites.cause(error)));
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

    private static Outcome outcome(String resource, Throwable e) {
        if (e instanceof ApiException) {
            return new Outcome(Errors.forException(e), e.getMessage());
        }
        log.error("Altering the configs of {} failed", resource, e);
        return new Outcome(Errors.UNKNOWN_SERVER_ERROR, e.getMessage());
    }

    private static CompletionStage<Outcome> done(Errors error, String message) {
        return CompletableFuture.completedFuture(new Outcome(error, message));
    }
}
