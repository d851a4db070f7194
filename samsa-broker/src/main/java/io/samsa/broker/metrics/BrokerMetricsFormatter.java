package io.samsa.broker.metrics;

import static io.samsa.broker.metrics.PrometheusText.counter;
import static io.samsa.broker.metrics.PrometheusText.gauge;
import static io.samsa.broker.metrics.PrometheusText.header;
import static io.samsa.broker.metrics.PrometheusText.partitionSample;
import static io.samsa.broker.metrics.PrometheusText.sample;

import java.util.Map;
import java.util.function.BooleanSupplier;

import org.apache.kafka.common.protocol.ApiKeys;

import io.samsa.broker.api.RequestMetrics;
import io.samsa.broker.quota.ClientQuotaManager;
import io.samsa.broker.quota.ClientQuotas;
import io.samsa.network.server.NetworkMetrics;
import io.samsa.broker.replica.ReplicaManager;
import io.samsa.broker.topic.TopicInfo;
import io.samsa.broker.topic.TopicRegistry;
import io.samsa.log.CleanerStats;
import io.samsa.log.Log;
import io.samsa.metadata.PartitionRecord;
import io.samsa.metadata.TopicImage;

/** Renders the broker's counters and gauges as Prometheus text; called on the metrics endpoint's thread. */
public final class BrokerMetricsFormatter {
    private final BrokerStats stats;
    private final RequestMetrics requests;
    private final TopicRegistry topics;
    private final NetworkMetrics network;
    private final ReplicaManager replicas;
    private final BooleanSupplier activeController;
    private final CleanerStats cleaner;
    private final ClientQuotas quotas;

    /**
     * @param activeController whether this node runs the active controller (a single node always does)
     * @param cleaner          the log cleaner's counters
     */
    public BrokerMetricsFormatter(BrokerStats stats, RequestMetrics requests, TopicRegistry topics,
                                  NetworkMetrics network, ReplicaManager replicas, BooleanSupplier activeController,
                                  CleanerStats cleaner) {
        this(stats, requests, topics, network, replicas, activeController, cleaner, ClientQuotas.none());
    }

    /** @param quotas the client quota managers, for their throttle counts and times */
    public BrokerMetricsFormatter(BrokerStats stats, RequestMetrics requests, TopicRegistry topics,
                                  NetworkMetrics network, ReplicaManager replicas, BooleanSupplier activeController,
                                  CleanerStats cleaner, ClientQuotas quotas) {
        this.quotas = quotas;
        this.stats = stats;
        this.requests = requests;
        this.topics = topics;
        this.network = network;
        this.replicas = replicas;
        this.activeController = activeController;
        this.cleaner = cleaner;
    }

    public String scrape() {
        StringBuilder out = new StringBuilder(4096);
        counter(out, "samsa_broker_bytes_in_total", "Record bytes appended by producers.", stats.bytesIn.sum());
        counter(out, "samsa_broker_messages_in_total", "Records appended by producers.", stats.messagesIn.sum());
        counter(out, "samsa_broker_bytes_out_total", "Record bytes sent to fetchers.", stats.bytesOut.sum());
        gauge(out, "samsa_broker_connections", "Open client connections.", network.connections());
        counter(out, "samsa_broker_network_thread_restarts_total",
                "Network threads that ended unexpectedly and were replaced.", network.networkThreadRestarts());
        counter(out, "samsa_broker_reauthentications_total",
                "SASL sessions renewed on their connection (KIP-368).", network.reauthentications());
        counter(out, "samsa_broker_expired_sessions_closed_total", "Connections closed because their SASL session "
                + "outlived connections.max.reauth.ms.", network.expiredSessionsClosed());
        gauge(out, "samsa_broker_queued_request_bytes", "Bytes of request frames reserved from the "
                + "queued.max.request.bytes pool.", network.queuedRequestBytes());

        header(out, "samsa_broker_requests_total", "counter", "Requests handled, by API.");
        forEachApi((api, c) -> sample(out, "samsa_broker_requests_total", "api", api, c.requests.sum()));
        header(out, "samsa_broker_request_errors_total", "counter", "Requests that failed as a whole, by API.");
        forEachApi((api, c) -> sample(out, "samsa_broker_request_errors_total", "api", api, c.errors.sum()));
        header(out, "samsa_broker_request_seconds_total", "counter",
                "Time from a handler thread taking a request to its response being ready, summed, by API.");
        forEachApi((api, c) -> sample(out, "samsa_broker_request_seconds_total", "api", api,
                c.totalNanos.sum() / 1e9));
        counter(out, "samsa_broker_request_queue_seconds_total", "Time requests waited in the request queue "
                + "for a request handler thread (num.io.threads), summed.", requests.queueNanos() / 1e9);
        counter(out, "samsa_broker_request_queue_dequeued_total", "Requests taken from the request queue by a "
                + "request handler thread.", requests.dequeued());
        gauge(out, "samsa_broker_request_queue_size", "Requests waiting for a request handler thread "
                + "(at most queued.max.requests).", requests.queueSize());
        counter(out, "samsa_broker_request_handler_busy_seconds_total", "Time request handler threads spent "
                + "running requests, summed over threads.", requests.handlerBusyNanos() / 1e9);

        header(out, "samsa_broker_quota_throttled_total", "counter",
                "Responses throttled by a client quota, by quota type (produce, fetch, request).");
        for (ClientQuotaManager q : quotas.all()) {
            sample(out, "samsa_broker_quota_throttled_total", "quota_type", q.type().label, q.throttledCount());
        }
        header(out, "samsa_broker_quota_throttle_seconds_total", "counter",
                "Throttle time given to clients over their quota, summed, by quota type (Kafka's throttle-time).");
        for (ClientQuotaManager q : quotas.all()) {
            sample(out, "samsa_broker_quota_throttle_seconds_total", "quota_type", q.type().label,
                    q.throttleTimeMsTotal() / 1000.0);
        }

        gauge(out, "samsa_broker_topics", "Topics.", topics.all().size());
        int led = 0;
        for (TopicImage t : topics.image().topics().all()) {
            for (PartitionRecord p : t.partitions().values()) {
                led += p.leader() == replicas.localNodeId() ? 1 : 0;
            }
        }
        gauge(out, "samsa_broker_partitions", "Partitions led by this broker.", led);
        gauge(out, "samsa_broker_under_replicated_partitions", "Partitions this broker leads with fewer in-sync "
                + "replicas than replicas (Kafka's UnderReplicatedPartitions).", replicas.underReplicatedPartitions());
        counter(out, "samsa_broker_isr_shrinks_total", "ISR shrinks of partitions this broker led.",
                replicas.metrics().isrShrinks());
        counter(out, "samsa_broker_isr_expands_total", "ISR expansions of partitions this broker led.",
                replicas.metrics().isrExpands());
        counter(out, "samsa_broker_follower_fetches_total", "Consumer partition fetches this broker answered as a "
                + "follower (fetch from follower, KIP-392).", replicas.metrics().followerFetches());
        counter(out, "samsa_broker_follower_fetch_bytes_total", "Record bytes this broker sent to consumers as a "
                + "follower (fetch from follower, KIP-392).", replicas.metrics().followerFetchBytes());
        header(out, "samsa_replica_fetcher_max_lag", "gauge",
                "Largest lag in records of this broker's follower replicas, by leader broker.");
        replicas.fetchers().ifPresent(f -> f.maxLagByLeader().forEach((leader, lag) ->
                sample(out, "samsa_replica_fetcher_max_lag", "leader", String.valueOf(leader), lag)));
        gauge(out, "samsa_controller_active", "1 while this node runs the active controller "
                + "(Kafka's ActiveControllerCount).", activeController.getAsBoolean() ? 1 : 0);
        cleanerMetrics(out);
        header(out, "samsa_log_size_bytes", "gauge", "Bytes on disk, by partition.");
        forEachLog((t, p, log) -> partitionSample(out, "samsa_log_size_bytes", t, p, log.sizeInBytes()));
        header(out, "samsa_log_end_offset", "gauge", "Log end offset, by partition.");
        forEachLog((t, p, log) -> partitionSample(out, "samsa_log_end_offset", t, p, log.logEndOffset()));
        header(out, "samsa_log_start_offset", "gauge", "Log start offset, by partition.");
        forEachLog((t, p, log) -> partitionSample(out, "samsa_log_start_offset", t, p, log.logStartOffset()));
        return out.toString();
    }

    /** Kafka's LogCleaner / LogCleanerManager metrics, plus totals for rates. */
    private void cleanerMetrics(StringBuilder out) {
        counter(out, "samsa_log_cleaner_cleanings_total", "Logs cleaned (compacted) by the log cleaner.",
                cleaner.cleanings());
        counter(out, "samsa_log_cleaner_failures_total", "Log cleaner rounds that failed with an error "
                + "(retried after log.cleaner.backoff.ms).", cleaner.failures());
        counter(out, "samsa_log_cleaner_read_bytes_total", "Segment bytes read by the log cleaner.",
                cleaner.bytesRead());
        counter(out, "samsa_log_cleaner_written_bytes_total", "Cleaned segment bytes written by the log cleaner.",
                cleaner.bytesWritten());
        counter(out, "samsa_log_cleaner_seconds_total", "Time spent cleaning, summed over cleaner threads.",
                cleaner.cleaningSeconds());
        gauge(out, "samsa_log_cleaner_last_clean_seconds", "Duration of the last cleaning "
                + "(Kafka's max-clean-time-secs).", cleaner.lastCleanSeconds());
        gauge(out, "samsa_log_cleaner_last_recopy_ratio", "Bytes written per byte read in the last cleaning "
                + "(Kafka's cleaner-recopy-percent / 100).", cleaner.lastRecopyRatio());
        gauge(out, "samsa_log_cleaner_seconds_since_last_run", "Time since a log cleaner round last ended "
                + "(Kafka's time-since-last-run-ms, in seconds).",
                cleaner.msSinceLastRun(System.currentTimeMillis()) / 1000.0);
    }

    private interface ApiVisitor {
        void visit(String api, RequestMetrics.Counters counters);
    }

    private interface LogVisitor {
        void visit(String topic, int partition, Log log);
    }

    private void forEachApi(ApiVisitor visitor) {
        for (Map.Entry<ApiKeys, RequestMetrics.Counters> e : requests.byApi().entrySet()) {
            if (e.getValue().requests.sum() > 0) {
                visitor.visit(e.getKey().name, e.getValue());
            }
        }
    }

    private void forEachLog(LogVisitor visitor) {
        for (TopicInfo t : topics.all()) {
            for (int p = 0; p < t.partitions(); p++) {
                try {
                    visitor.visit(t.name(), p, topics.log(t.name(), p));
                } catch (RuntimeException deletedMeanwhile) {
                    // the topic went away during the scrape: skip it
                }
            }
        }
    }
}
