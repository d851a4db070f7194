package io.samsa.metadata;

/**
 * The versions of Kafka's messages that carry controller calls between Samsa nodes ({@link RemoteController} and
 * {@link ControllerRequestServer}). The call's header names its version and the reply uses the same, so a newer
 * node may raise one while the server still decodes the older one (kafka-clients parses every valid version).
 */
final class ControllerCallVersions {
    static final short CREATE_TOPICS = 7;
    static final short DELETE_TOPICS = 6;
    static final short CREATE_PARTITIONS = 3;
    static final short INCREMENTAL_ALTER_CONFIGS = 1;
    static final short ALTER_CONFIGS = 2;
    static final short ALLOCATE_PRODUCER_IDS = 0;
    static final short ALTER_USER_SCRAM_CREDENTIALS = 0;
    static final short CREATE_ACLS = 3;
    static final short DELETE_ACLS = 3;
    static final short ALTER_CLIENT_QUOTAS = 1;
    static final short BROKER_REGISTRATION = 0;
    static final short BROKER_HEARTBEAT = 0;
    /** v2: topic ids and a plain new ISR (v3's broker epochs per ISR member are not used). */
    static final short ALTER_PARTITION = 2;

    private ControllerCallVersions() {
    }
}
