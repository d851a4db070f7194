/**
 * Partitions as replicas: {@code Partition} (role, leader, leader epoch, replicas, ISR, high watermark, log) and
 * {@code ReplicaManager}, which handlers ask "am I the leader of this partition, at which epoch", append through
 * as leader and read through for fetches (consumers up to the high watermark, follower replicas up to the log
 * end). Today one node leads every partition at epoch 0 with ISR = {itself}, so the high watermark reaches the
 * log end within each append; replication changes the assignment and adds follower fetches here.
 *
 * <p>Threads: everything here runs on the request handler threads that call it (and is thread-safe); offset
 * advances are reported to a {@code PartitionListener} on the advancing thread, which is how the purgatories
 * ({@code io.samsa.broker.purgatory}) wake.
 */
package io.samsa.broker.replica;
