package io.samsa.protocol;

/**
 * FindCoordinator's {@code KeyType}: which kind of coordinator a key names. Samsa's own copy of the wire ids
 * (kafka-clients keeps them in its non-public {@code requests} package); a unit test pins them to Kafka's.
 */
public enum CoordinatorKeyType {
    /** A consumer group id. */
    GROUP((byte) 0),
    /** A transactional id. */
    TRANSACTION((byte) 1),
    /** A share group key (group, topic, partition). */
    SHARE((byte) 2);

    private final byte id;

    CoordinatorKeyType(byte id) {
        this.id = id;
    }

    /** The value of the request's {@code KeyType} field. */
    public byte id() {
        return id;
    }
}
