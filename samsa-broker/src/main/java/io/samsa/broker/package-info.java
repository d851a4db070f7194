/**
 * The Samsa broker: accepts Kafka wire-protocol connections, decodes requests with kafka-clients'
 * generated message classes at the network edge, and answers each API through its own handler class,
 * backed by the topic registry and the partition logs of {@code samsa-log}. It also holds the broker's
 * configuration ({@code server.properties} with Kafka's key names) and the embeddable {@code SamsaBroker}.
 * <p>
 * Two modes. A single node (no {@code controller.quorum.voters}) is its own controller over a local metadata log
 * and leads every partition. A cluster node with the broker role votes in the metadata quorum
 * ({@code process.roles=broker,controller}: Apache Ratis on the CONTROLLER listener, {@code lifecycle.QuorumNode})
 * or only follows it ({@code process.roles=broker}: an observer), registers and heartbeats
 * ({@code lifecycle.BrokerLifecycleManager}), and holds replicas of the partitions the controller placed on it:
 * leaders serve produce and fetch, followers fetch from their leaders ({@code replica.fetcher}), and the metadata
 * publishers ({@code topic.TopicRegistry}, then {@code lifecycle.ReplicaStatePublisher}) make the logs and
 * partition roles follow every committed change. A controller-only node ({@code process.roles=controller}) is a
 * {@code SamsaController}: a quorum voter and nothing else; {@code SamsaNode.start} picks the kind from the roles.
 *
 * <h2>Threading model</h2>
 * Kafka's model: network threads only move bytes; request handler threads do the work. Who owns what, and
 * what may block where:
 * <ul>
 *   <li><b>Acceptors</b> ({@code samsa-acceptor-NAME}, one per listener, {@code io.samsa.network.server.SocketServer}):
 *       accept sockets and hand them round-robin to the processors. Block only in {@code accept}.</li>
 *   <li><b>Network processors</b> ({@code samsa-network-N}, {@code num.network.threads},
 *       {@code io.samsa.network.server.Processor}): each owns a selector and its connections (a {@code Connection}
 *       is touched by its processor only). It runs a new connection's handshake and authenticator, reads a whole
 *       request frame, passes it to the {@link io.samsa.broker.api.RequestHandlerPool}, and encodes and writes
 *       the response when the request's stage completes (through its completion queue). One request
 *       per connection is in flight, so responses leave in request order; a response with a quota throttle time
 *       is sent at once and the connection is then muted until it ends ({@code io.samsa.broker.quota}, KIP-219).
 *       A processor never touches a log, a
 *       file or a lock held across I/O; the one place it blocks is the request queue when it is full
 *       ({@code queued.max.requests}), which is deliberate back-pressure, as in Kafka.</li>
 *   <li><b>Request handlers</b> ({@code samsa-request-handler-N}, {@code num.io.threads},
 *       {@link io.samsa.broker.api.RequestHandlerPool}): take requests in arrival order and run decode →
 *       {@link io.samsa.broker.api.ApiHandler} ({@link io.samsa.broker.api.ApiDispatcher}); the response body is
 *       encoded later by the connection's processor. This is where blocking work happens: produce appends (under
 *       the partition's {@code Log} lock) and their fsyncs ({@code flush.messages}), ListOffsets timestamp scans,
 *       the first read of every fetch, and metadata writes — topic creation and deletion, producer-id blocks —
 *       through the metadata controller, which serialises writers (validate, create logs, commit the records,
 *       apply them to the image and its publishers on the committing thread; see {@code io.samsa.metadata}). A
 *       handler must not wait for another thread's future: it returns a stage and lets that thread complete it.</li>
 *   <li><b>Fetch purgatory</b> ({@code samsa-fetch-purgatory}, {@code purgatory.FetchPurgatory}): long-poll
 *       fetches that wait for data — consumers for the high watermark, follower replicas for the log end. An
 *       advance only enqueues a wake-up; the re-read and the expiry read happen on this thread (the response is
 *       encoded by the connection's processor).</li>
 *   <li><b>Produce purgatory</b> ({@code samsa-produce-purgatory}, {@code purgatory.ProducePurgatory}): acks=all
 *       produces waiting for the high watermark. One completes on the thread that advanced the high watermark
 *       past it (a request handler: on one node the producer's own, within its append, so it never waits); this
 *       thread only expires those whose request timeout passes first (REQUEST_TIMED_OUT).</li>
 *   <li><b>Group coordinator</b> ({@code samsa-group-coordinator}, {@code group.GroupCoordinator}): owns all
 *       group state without locks; every group API is a task on this thread, which also runs session and
 *       rebalance timers, offset-retention cleanup and appends to the {@code __consumer_offsets} partitions (on a
 *       single node as in a cluster; the log cleaner compacts them). JoinGroup and SyncGroup responses complete
 *       here when the rebalance completes (and are encoded by the connection's processor).</li>
 *   <li><b>Transaction coordinator</b> ({@code samsa-txn-coordinator},
 *       {@code txn.TransactionCoordinator}): owns every transactional id's state without locks; InitProducerId,
 *       AddPartitionsToTxn and EndTxn are tasks on this thread, as are the timed-out-transaction and expiry passes.
 *       Its writes to {@code __transaction_state} and its markers complete on the thread that moved the high
 *       watermark (or the produce purgatory's timer) and hop back here; in a cluster, markers for partitions other
 *       brokers lead are sent by {@code samsa-txn-marker-sender} ({@code lifecycle.RemoteMarkerSender}, its own
 *       connections, like the verifier below an {@code lifecycle.InterBrokerSender}) and their answers hop back too.</li>
 *   <li><b>Transaction verifier</b> (cluster; {@code samsa-txn-verifier}, {@code lifecycle.TxnVerificationSender}):
 *       sends a leader's checks of transactional batches (AddPartitionsToTxn v4, verify only) to the transactional
 *       ids' coordinators over its own connections; a Produce that waited for a check appends on this thread.</li>
 *   <li><b>Log manager</b> ({@code samsa-log-manager-<dir>}, {@code io.samsa.log.LogManager}): periodic
 *       retention, time-based roll and flush ({@code log.flush.interval.*}), recovery-point checkpoints, and
 *       deletion of directories of deleted topics. It takes a partition's {@code Log} lock like an appender.</li>
 *   <li><b>Log cleaner</b> ({@code samsa-log-cleaner-N}, {@code log.cleaner.threads}, {@code io.samsa.log.LogCleaner}):
 *       compacts the logs whose cleanup.policy holds compact; reads and writes segment files without a log's lock
 *       and takes it only to swap cleaned segments in. Stopped first when the log manager closes.</li>
 *   <li><b>Segment flusher</b> ({@code samsa-log-segment-flusher-<dir>}, {@code io.samsa.log.LogBackground}):
 *       fsyncs each rolled segment and then advances its log's recovery point, so appends never wait for it.</li>
 *   <li><b>Producer-id expiration</b> ({@code samsa-producer-id-expiration}, {@link io.samsa.broker.ProducerIdExpiration}):
 *       every {@code producer.id.expiration.check.interval.ms}, drops idle producer ids under each log's lock.</li>
 *   <li><b>Deferred closer</b> ({@code samsa-log-deferred-close-<dir>}, {@code io.samsa.log.LogBackground}): closes
 *       the files of deleted segments after {@code file.delete.delay.ms}, so a fetch's {@code transferTo} that
 *       started before the deletion still completes.</li>
 *   <li><b>Metadata quorum</b> (cluster; Ratis's own threads: gRPC server and client, log worker, leader
 *       election, log appenders and the state-machine updater, see {@code io.samsa.metadata.quorum}): the updater
 *       applies each committed metadata batch and runs the publishers — the topic registry creates and deletes
 *       this node's logs, the replica state publisher makes partitions leader or follower and moves fetchers.
 *       {@code samsa-quorum-events-<id>} tells the controller when this node gains or loses the quorum's
 *       leadership; {@code samsa-controller-calls-<id>} resends controller calls waiting for an active controller,
 *       and {@code samsa-quorum-watch-<id>} notes when this node last heard from the quorum leader. On a
 *       broker-only node there is no Ratis server: {@code samsa-metadata-observer-<id>} fetches the committed
 *       batches from a voter and applies them, so the publishers run on it instead of the updater.</li>
 *   <li><b>Controller</b> ({@code samsa-controller}, cluster, only while this node leads the quorum,
 *       {@code io.samsa.metadata.ControllerEventLoop}): runs every controller call — registrations, heartbeats,
 *       topic changes, AlterPartition — one at a time to its applied write, and expires broker sessions (fencing
 *       a broker elects new leaders).</li>
 *   <li><b>Broker lifecycle</b> ({@code samsa-broker-lifecycle}, cluster, {@code lifecycle.BrokerLifecycleManager}):
 *       registration, a heartbeat every {@code broker.heartbeat.interval.ms}, and the controlled shutdown.</li>
 *   <li><b>Replica fetchers</b> ({@code samsa-replica-fetcher-<leaderId>}, cluster, one per leader broker,
 *       {@code replica.fetcher.ReplicaFetcherThread}): fetch as a follower, append, truncate a diverging tail and
 *       take the leader's high watermark. A fetch from a follower moves the leader's high watermark on the request
 *       handler thread that serves it (and completes the acks=all produces it covers).</li>
 *   <li><b>ISR check</b> ({@code samsa-isr-check}, cluster, {@code replica.ReplicaManager}): every
 *       {@code replica.lag.time.max.ms}/2 asks the controller to drop followers that stopped catching up; an ISR
 *       change completes on the thread that completes the controller call.</li>
 *   <li><b>Metrics</b> ({@code samsa-metrics-http}, {@code metrics.PrometheusEndpoint}): renders counters and
 *       gauges on each scrape; reads only lock-free state.</li>
 * </ul>
 * Start-up and shutdown run on the caller's thread ({@link io.samsa.broker.SamsaBroker}). A cluster node registers
 * and waits until its image has caught up to its registration before it opens any log (against a lagging image a
 * topic it has not learned yet would look deleted), and serves once the controller unfenced it. Shutdown order:
 * controlled shutdown (cluster: the controller moves this node's leaderships away, bounded), metrics endpoint,
 * socket server (acceptor and processors joined), request handlers (each finishes the request it is running;
 * queued ones fail), replica fetchers and ISR check, group coordinator, fetch and produce purgatories, log
 * manager, metadata log (the quorum last) — so no append is running when the logs close.
 */
package io.samsa.broker;
