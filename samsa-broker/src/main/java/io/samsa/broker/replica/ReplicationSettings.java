package io.samsa.broker.replica;

/**
 * Replication settings, Kafka's names and defaults:
 * <ul>
 *   <li>{@code replica.fetch.wait.max.ms} (500): how long a follower's fetch may wait at the leader for data;</li>
 *   <li>{@code replica.fetch.min.bytes} (1): bytes the leader waits for before answering;</li>
 *   <li>{@code replica.fetch.max.bytes} (1048576): bytes per partition per fetch (a larger first batch still
 *       comes whole);</li>
 *   <li>{@code replica.fetch.response.max.bytes} (10485760): bytes per fetch response;</li>
 *   <li>{@code replica.fetch.backoff.ms} (1000): pause of a partition, or of a connection, after an error;</li>
 *   <li>{@code replica.socket.timeout.ms} (30000): request timeout of a fetch (must exceed the fetch wait);</li>
 *   <li>{@code replica.lag.time.max.ms} (30000): a follower not caught up for this long leaves the ISR.</li>
 * </ul>
 * Immutable.
 */
public record ReplicationSettings(int fetchWaitMaxMs, int fetchMinBytes, int fetchMaxBytes, int fetchResponseMaxBytes,
                                  long fetchBackoffMs, int socketTimeoutMs, long lagTimeMaxMs) {

    public static final ReplicationSettings DEFAULTS =
            new ReplicationSettings(500, 1, 1048576, 10485760, 1000L, 30000, 30000L);

    public ReplicationSettings {
        if (fetchWaitMaxMs < 0 || fetchMinBytes < 0 || fetchMaxBytes <= 0 || fetchResponseMaxBytes <= 0
                || fetchBackoffMs < 0 || lagTimeMaxMs <= 0) {
            throw new IllegalArgumentException("Invalid replication settings " + this);
        }
        if (socketTimeoutMs <= fetchWaitMaxMs) {
            throw new IllegalArgumentException("replica.socket.timeout.ms " + socketTimeoutMs
                    + " must be greater than replica.fetch.wait.max.ms " + fetchWaitMaxMs);
        }
    }

    public ReplicationSettings withLagTimeMaxMs(long ms) {
        return new ReplicationSettings(fetchWaitMaxMs, fetchMinBytes, fetchMaxBytes, fetchResponseMaxBytes,
                fetchBackoffMs, socketTimeoutMs, ms);
    }

    public ReplicationSettings withFetchBackoffMs(long ms) {
        return new ReplicationSettings(fetchWaitMaxMs, fetchMinBytes, fetchMaxBytes, fetchResponseMaxBytes,
                ms, socketTimeoutMs, lagTimeMaxMs);
    }

    public ReplicationSettings withFetchWaitMaxMs(int ms) {
        return new ReplicationSettings(ms, fetchMinBytes, fetchMaxBytes, fetchResponseMaxBytes,
                fetchBackoffMs, socketTimeoutMs, lagTimeMaxMs);
    }
}
