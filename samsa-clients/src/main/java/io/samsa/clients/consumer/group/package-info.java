/**
 * Group membership with the classic protocol: finding the coordinator, JoinGroup/SyncGroup (the leader runs the
 * configured {@code ConsumerPartitionAssignor}), heartbeats from the I/O thread, rejoining after rebalances or
 * fencing, LeaveGroup, and committed offsets (OffsetCommit/OffsetFetch). {@link
 * io.samsa.clients.consumer.group.GroupMember} is the member's state machine; it is advanced by the application
 * thread in {@code poll}, as in Kafka's classic consumer, so rebalance listeners run on that thread.
 */
package io.samsa.clients.consumer.group;
