/**
 * The client's view of the cluster: brokers, and per topic its id, partitions and leaders, refreshed by the
 * I/O thread from Metadata responses; callers only read it and wait on it.
 */
package io.samsa.clients.metadata;
