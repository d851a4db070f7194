/**
 * What the consumer reads: the subscription (topics, pattern or manual assignment), the assigned partitions and,
 * per partition, the application's position, the fetcher's position (ahead of it while fetches are pipelined),
 * pause and reset state. Shared by the application and I/O threads under one lock.
 */
package io.samsa.clients.consumer.state;
