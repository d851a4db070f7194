/**
 * Samsa's small admin client: topics (create, list, describe with leaders, replicas, ISR and log start/end
 * offsets, delete, add partitions, delete records before an offset on the partition's leader), topic configs,
 * consumer groups (list, describe with members and their assignments, committed offsets with lag, offset resets,
 * delete; {@link io.samsa.clients.admin.GroupCalls} finds each group's coordinator first), and transactions (list,
 * describe an id on its coordinator, the producers a partition's leader holds state for). Configured like Kafka's
 * admin ({@code SamsaAdmin.create(Properties)}, {@code AdminClientConfig} names) or with a bootstrap string and a
 * timeout. Blocking calls, one at a time, on the caller's thread: {@link io.samsa.clients.admin.AdminChannel}
 * drives the client core's {@code io.samsa.network.client.NetworkIo} itself instead of running an I/O thread,
 * since an admin call has nothing else to do while it waits. Broker errors surface as Kafka's own
 * {@code ApiException}s; a broker that cannot be reached as
 * {@link io.samsa.clients.admin.BrokerUnreachableException}, which names the addresses tried and why they failed.
 */
package io.samsa.clients.admin;
