package io.samsa.broker.group;

import java.io.IOException;
import java.util.List;

/**
 * Which shard serves a group: on a single node the one shard of every group ({@link #single}), in a cluster the
 * shard of the group's {@code __consumer_offsets} partition ({@link ReplicatedShards}). Thread-safe.
 */
interface ShardRouter {

    /** The loaded shard of the group; NotCoordinatorException or CoordinatorLoadInProgressException otherwise. */
    CoordinatorShard shardFor(String groupId);

    /** The loaded shard of {@code __consumer_offsets} partition {@code partition}; errors as {@link #shardFor}. */
    CoordinatorShard shardForPartition(int partition);

    /** The loaded shards (ListGroups, topic deletion). */
    List<CoordinatorShard> activeShards();

    void close() throws IOException;

    static ShardRouter single(CoordinatorShard shard) {
        return new ShardRouter() {
            @Override
            public CoordinatorShard shardFor(String groupId) {
                return shard;
            }

            @Override
            public CoordinatorShard shardForPartition(int partition) {
                return shard;
            }

            @Override
            public List<CoordinatorShard> activeShards() {
                return List.of(shard);
            }

            @Override
            public void close() throws IOException {
                shard.close();
            }
        };
    }
}
