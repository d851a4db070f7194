package io.samsa.broker.handler;

import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.resource.ResourceType;

import io.samsa.broker.api.RequestContext;

/**
 * Kafka's ACL check of a config resource for DescribeConfigs (DESCRIBE_CONFIGS) and AlterConfigs /
 * IncrementalAlterConfigs (ALTER_CONFIGS): a topic's on the topic (TOPIC_AUTHORIZATION_FAILED), a broker's or a
 * broker logger's on the cluster (CLUSTER_AUTHORIZATION_FAILED). Other types pass; their handler refuses them.
 */
final class ConfigResourceAccess {
    private ConfigResourceAccess() {
    }

    /** NONE when allowed, else the resource's error. */
    static Errors check(RequestContext context, AclOperation op, byte resourceType, String name) {
        ConfigResource.Type type = ConfigResource.Type.forId(resourceType);
        return switch (type) {
            case TOPIC -> context.authorize(op, ResourceType.TOPIC, name) ? Errors.NONE
                    : Errors.TOPIC_AUTHORIZATION_FAILED;
            case BROKER, BROKER_LOGGER -> context.authorizeCluster(op) ? Errors.NONE
                    : Errors.CLUSTER_AUTHORIZATION_FAILED;
            default -> Errors.NONE;
        };
    }
}
