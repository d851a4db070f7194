/**
 * The follower side of replication, Kafka's replica fetchers: {@code ReplicaFetcherManager} keeps one
 * {@code ReplicaFetcherThread} per leader broker and moves partitions between them as leadership changes; each
 * thread fetches its partitions from the leader with the Fetch API as a replica (Fetch v15+, {@code ReplicaState}
 * with this broker's id; per partition the current leader epoch and the epoch of the last fetched batch), appends
 * what it gets with the leader's offsets and epochs ({@code Log.appendAsFollower}), takes the leader's high
 * watermark and log start (which DeleteRecords and retention move; segments below it go here too), and truncates
 * a divergent tail when the leader answers with a diverging epoch.
 *
 * <p>Threads: {@code samsa-replica-fetcher-<leaderId>}, one per leader broker, owns its connection (samsa-network's
 * client {@code NetworkIo}) and does all reads, appends and truncations of its partitions' logs; the manager is
 * called from the replica manager (the metadata publisher's thread) and waits, when removing a partition, until no
 * append of it is in progress.
 */
package io.samsa.broker.replica.fetcher;
