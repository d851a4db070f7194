package io.samsa.broker.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import io.samsa.metadata.BrokerRegistrationRecord;
import io.samsa.metadata.ConfigRecord;
import io.samsa.metadata.ControllerApi;
import io.samsa.metadata.MetadataController;
import io.samsa.metadata.MetadataImage;
import io.samsa.metadata.MetadataLog;
import io.samsa.metadata.MetadataRecord;
import io.samsa.metadata.MetadataStateMachine;
import io.samsa.metadata.PartitionRecord;
import io.samsa.metadata.ProducerIdsRecord;
import io.samsa.metadata.RemoveTopicRecord;
import io.samsa.metadata.TopicImage;
import io.samsa.metadata.TopicRecord;

/**
 * A stand-in for the cluster's active controller in broker tests: places replicas round-robin over the registered
 * brokers (leader first, ISR all), refuses a replication factor above the broker count and assignments naming
 * unknown brokers, and writes through a {@link MetadataController} over one metadata log. Not the real placement
 * (racks, fencing): just enough to give brokers a multi-broker image. Writes are serialised on this object.
 */
public final class FakeClusterController implements ControllerApi {
    private final MetadataStateMachine state;
    private final MetadataController writer;

    public FakeClusterController(MetadataStateMachine state, MetadataLog log) {
        this.state = state;
        this.writer = new MetadataController(state, log, new MetadataController.Settings(-1, 100_000, 1000,
                configs -> { }));
    }

    /** Writes records as they are (a test builds an image by hand); completes with the offset. */
    public synchronized CompletionStage<Long> write(List<MetadataRecord> records) {
        return writer.write(records);
    }

    @Override
    public synchronized CompletionStage<TopicResult> createTopic(CreateTopic request) {
        MetadataImage image = state.image();
        List<Integer> brokers = brokers(image);
        Map<Integer, List<Integer>> assignments = request.assignments();
        int partitions = assignments.isEmpty() ? request.partitions() : assignments.size();
        short rf = assignments.isEmpty() ? request.replicationFactor() : (short) assignments.get(0).size();
        try {
            writer.validateCreateTopic(request.name(), partitions, request.configs());
            if (assignments.values().stream().flatMap(List::stream).anyMatch(b -> !brokers.contains(b))) {
                throw new InvalidReplicaAssignmentException("Unknown broker in " + assignments);
            }
            if (rf > brokers.size()) {
                throw new InvalidReplicationFactorException("Unable to replicate the partition " + rf
                        + " time(s): only " + brokers.size() + " broker(s) are registered.");
            }
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (request.validateOnly()) {
            return CompletableFuture.completedFuture(new TopicResult(-1, null, request.name(), partitions, rf));
        }
        Uuid id = Uuid.randomUuid();
        List<MetadataRecord> records = new ArrayList<>();
        records.add(new TopicRecord(request.name(), id));
        for (int p = 0; p < partitions; p++) {
            List<Integer> replicas = assignments.isEmpty() ? place(brokers, p, rf) : assignments.get(p);
            records.add(new PartitionRecord(id, p, replicas, replicas, replicas.get(0), 0, 0));
        }
        request.configs().forEach((k, v) -> records.add(ConfigRecord.topic(request.name(), k, v)));
        return writer.write(records).thenApply(offset ->
                new TopicResult(offset, id, request.name(), partitions, rf));
    }

    @Override
    public synchronized CompletionStage<TopicResult> deleteTopic(String name) {
        TopicImage t = state.image().topics().get(name);
        if (t == null) {
            return CompletableFuture.failedFuture(new UnknownTopicOrPartitionException("No topic " + name));
        }
        return writer.write(List.of(new RemoveTopicRecord(t.id()))).thenApply(offset ->
                new TopicResult(offset, t.id(), name, t.partitionCount(), (short) t.partition(0).replicas().size()));
    }

    @Override
    public synchronized CompletionStage<TopicResult> createPartitions(String name, int newCount,
                                                                      boolean validateOnly) {
        MetadataImage image = state.image();
        TopicImage t = image.topics().get(name);
        if (t == null) {
            return CompletableFuture.failedFuture(new UnknownTopicOrPartitionException("No topic " + name));
        }
        if (newCount <= t.partitionCount()) {
            return CompletableFuture.failedFuture(new InvalidPartitionsException("Cannot shrink " + name));
        }
        short rf = (short) t.partition(0).replicas().size();
        if (validateOnly) {
            return CompletableFuture.completedFuture(new TopicResult(-1, t.id(), name, newCount, rf));
        }
        List<MetadataRecord> records = new ArrayList<>();
        for (int p = t.partitionCount(); p < newCount; p++) {
            List<Integer> replicas = place(brokers(image), p, rf);
            records.add(new PartitionRecord(t.id(), p, replicas, replicas, replicas.get(0), 0, 0));
        }
        return writer.write(records).thenApply(offset -> new TopicResult(offset, t.id(), name, newCount, rf));
    }

    @Override
    public synchronized CompletionStage<Long> alterTopicConfigs(AlterTopicConfigs request) {
        return writer.alterTopicConfigs(request);
    }

    @Override
    public synchronized CompletionStage<Long> alterBrokerConfigs(AlterBrokerConfigs request) {
        return writer.alterBrokerConfigs(request);
    }

    @Override
    public synchronized CompletionStage<ScramResult> alterScramCredentials(AlterScramCredentials request) {
        return writer.alterScramCredentials(request);
    }

    @Override
    public synchronized CompletionStage<AclCreateResult> createAcls(List<NewAcl> bindings) {
        return writer.createAcls(bindings);
    }

    @Override
    public synchronized CompletionStage<AclDeleteResult> deleteAcls(List<AclBindingFilter> filters) {
        return writer.deleteAcls(filters);
    }

    @Override
    public synchronized CompletionStage<QuotaResult> alterClientQuotas(List<ClientQuotaAlteration> entries,
                                                                    boolean validateOnly) {
        return writer.alterClientQuotas(entries, validateOnly);
    }

    @Override
    public synchronized CompletionStage<ProducerIdsResult> allocateProducerIds(int brokerId) {
        ProducerIdsRecord block = new ProducerIdsRecord(brokerId, state.image().nextProducerId(), 1000);
        return writer.write(List.of(block)).thenApply(offset -> new ProducerIdsResult(offset, block));
    }

    @Override
    public synchronized CompletionStage<Registered> registerBroker(BrokerRegistration request) {
        return writer.write(List.of(new BrokerRegistrationRecord(request.brokerId(), request.incarnationId(),
                request.endpoints(), request.rack()))).thenApply(offset -> new Registered(offset, offset));
    }

    @Override
    public CompletionStage<HeartbeatResult> heartbeat(BrokerHeartbeat request) {
        return CompletableFuture.completedFuture(new HeartbeatResult(state.image().offset(), false, false));
    }

    @Override
    public CompletionStage<PartitionResult> alterPartition(AlterPartition request) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("not in this fake"));
    }

    /** Registers broker {@code id} with one PLAINTEXT endpoint, waiting for the commit. */
    public void register(int id, String host, int port, String rack) {
        registerBroker(new BrokerRegistration(id, Uuid.randomUuid(),
                List.of(new BrokerRegistrationRecord.Endpoint("PLAINTEXT", "PLAINTEXT", host, port)), rack))
                .toCompletableFuture().join();
    }

    private static List<Integer> brokers(MetadataImage image) {
        return image.brokers().keySet().stream().sorted().toList();
    }

    private static List<Integer> place(List<Integer> brokers, int partition, int rf) {
        List<Integer> replicas = new ArrayList<>(rf);
        for (int k = 0; k < rf; k++) {
            replicas.add(brokers.get((partition + k) % brokers.size()));
        }
        return replicas;
    }
}
