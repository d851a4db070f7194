package io.samsa.broker.authorizer;

import java.util.EnumMap;
import java.util.Map;

import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * The APIs that Kafka allows only with an operation on the cluster resource, for the whole request: the dispatcher
 * checks these before the handler runs and answers CLUSTER_AUTHORIZATION_FAILED otherwise. Every other API checks
 * its own resources in its handler. ApiVersions, SaslHandshake and SaslAuthenticate are never checked.
 */
public final class ClusterOperations {
    private static final Map<ApiKeys, AclOperation> REQUIRED = new EnumMap<>(ApiKeys.class);

    static {
        REQUIRED.put(ApiKeys.CREATE_ACLS, AclOperation.ALTER);
        REQUIRED.put(ApiKeys.DELETE_ACLS, AclOperation.ALTER);
        REQUIRED.put(ApiKeys.DESCRIBE_ACLS, AclOperation.DESCRIBE);
        REQUIRED.put(ApiKeys.ALTER_USER_SCRAM_CREDENTIALS, AclOperation.ALTER);
        REQUIRED.put(ApiKeys.DESCRIBE_USER_SCRAM_CREDENTIALS, AclOperation.DESCRIBE);
        REQUIRED.put(ApiKeys.ALTER_CLIENT_QUOTAS, AclOperation.ALTER_CONFIGS);
        REQUIRED.put(ApiKeys.DESCRIBE_CLIENT_QUOTAS, AclOperation.DESCRIBE_CONFIGS);
        REQUIRED.put(ApiKeys.DESCRIBE_LOG_DIRS, AclOperation.DESCRIBE);
        REQUIRED.put(ApiKeys.DESCRIBE_QUORUM, AclOperation.DESCRIBE);
        REQUIRED.put(ApiKeys.WRITE_TXN_MARKERS, AclOperation.CLUSTER_ACTION);
    }

    private ClusterOperations() {
    }

    /** The cluster operation the whole request needs, or null when its handler checks its own resources. */
    public static AclOperation required(ApiKeys api) {
        return REQUIRED.get(api);
    }
}
