/**
 * The "consumer" embedded protocol of classic groups: member subscriptions and assignments as the opaque bytes
 * that JoinGroup and SyncGroup carry. {@link io.samsa.protocol.consumer.ConsumerProtocolCodec} is its only codec,
 * shared by the consumer (writing and, as group leader, reading them), the broker's group coordinator (reading
 * the topics a group uses) and the admin client (describing a group's assignments).
 */
package io.samsa.protocol.consumer;
