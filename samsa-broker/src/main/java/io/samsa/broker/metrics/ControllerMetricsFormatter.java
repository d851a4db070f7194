package io.samsa.broker.metrics;

import static io.samsa.broker.metrics.PrometheusText.gauge;
import static io.samsa.broker.metrics.PrometheusText.header;
import static io.samsa.broker.metrics.PrometheusText.sample;

import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import io.samsa.metadata.MetadataImage;
import io.samsa.metadata.PartitionRecord;
import io.samsa.metadata.TopicImage;
import io.samsa.metadata.quorum.QuorumStatus;

/**
 * A controller-only node's metrics as Prometheus text: whether it runs the active controller, the cluster as its
 * metadata image states it (Kafka's GlobalTopicCount, GlobalPartitionCount, OfflinePartitionsCount,
 * ActiveBrokerCount and FencedBrokerCount), and the quorum (leader, epoch, high watermark, this node's applied
 * offset). Called on the metrics endpoint's thread; reads only immutable images and the quorum's status.
 */
public final class ControllerMetricsFormatter {
    private final BooleanSupplier active;
    private final Supplier<MetadataImage> image;
    private final Supplier<QuorumStatus> quorum;

    public ControllerMetricsFormatter(BooleanSupplier active, Supplier<MetadataImage> image,
                                      Supplier<QuorumStatus> quorum) {
        this.active = active;
        this.image = image;
        this.quorum = quorum;
    }

    public String scrape() {
        StringBuilder out = new StringBuilder(1024);
        MetadataImage m = image.get();
        gauge(out, "samsa_controller_active", "1 while this node runs the active controller "
                + "(Kafka's ActiveControllerCount).", active.getAsBoolean() ? 1 : 0);
        int partitions = 0;
        int offline = 0;
        for (TopicImage t : m.topics().all()) {
            for (PartitionRecord p : t.partitions().values()) {
                partitions++;
                if (p.leader() < 0 || !m.isUnfenced(p.leader())) {
                    offline++;
                }
            }
        }
        gauge(out, "samsa_controller_topics", "Topics in the cluster (GlobalTopicCount).", m.topics().all().size());
        gauge(out, "samsa_controller_partitions", "Partitions in the cluster (GlobalPartitionCount).", partitions);
        gauge(out, "samsa_controller_offline_partitions", "Partitions without a live leader "
                + "(OfflinePartitionsCount).", offline);
        int unfenced = m.unfencedBrokers().size();
        header(out, "samsa_controller_brokers", "gauge", "Registered brokers by state (ActiveBrokerCount, "
                + "FencedBrokerCount).");
        sample(out, "samsa_controller_brokers", "state", "active", unfenced);
        sample(out, "samsa_controller_brokers", "state", "fenced", m.brokers().size() - unfenced);
        QuorumStatus q = quorum.get();
        gauge(out, "samsa_quorum_leader_id", "The metadata quorum's leader, -1 while none is known.", q.leaderId());
        gauge(out, "samsa_quorum_leader_epoch", "The quorum leader's epoch (Raft term).", q.leaderEpoch());
        gauge(out, "samsa_quorum_high_watermark", "The quorum's commit index as this node knows it.",
                q.highWatermark());
        gauge(out, "samsa_metadata_offset", "The offset of the last metadata batch this node applied.",
                m.offset());
        return out.toString();
    }
}
