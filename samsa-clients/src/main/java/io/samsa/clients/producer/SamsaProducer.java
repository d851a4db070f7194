package io.samsa.clients.producer;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Partitioner;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.metrics.KafkaMetric;
import org.apache.kafka.common.serialization.Serializer;

import io.samsa.clients.core.ClientCore;
import io.samsa.clients.core.ClientSettings;
import io.samsa.clients.metadata.MetadataCache;
import io.samsa.protocol.records.BatchCompressor;
import io.samsa.clients.producer.batch.BufferPool;
import io.samsa.clients.producer.batch.RecordAccumulator;
import io.samsa.protocol.records.RecordBatchWriter;
import io.samsa.clients.producer.metrics.ProducerMetrics;
import io.samsa.clients.producer.partition.KeyPartitioner;
import io.samsa.clients.producer.partition.StickyPartitioner;
import io.samsa.clients.producer.sender.Sender;
import io.samsa.clients.producer.txn.TransactionOp;
import io.samsa.clients.producer.txn.Transactions;

/**
 * Samsa's producer: {@code new KafkaProducer<>(props)} → {@code new SamsaProducer<>(props)}, nothing else
 * changes. {@code send} serializes, picks the partition and appends to the partition's open batch; it waits
 * only for the topic's first metadata and for buffer memory, each bounded by {@code max.block.ms}, and never
 * does I/O. One I/O thread does the rest.
 *
 * <p>Transactions ({@code transactional.id}): Kafka's transaction version 1 protocol, as kafka-clients speaks
 * it to a broker that does not finalize version 2: {@code initTransactions} gets the producer id from the
 * transaction coordinator (fencing older instances), a partition is added to the transaction before its first
 * batch, {@code sendOffsetsToTransaction} commits a group's offsets inside it, and commit/abort end it once its
 * batches are done. Each blocks up to {@code max.block.ms} and, after a timeout, may be called again to go on
 * waiting for the same operation.
 *
 * <p>Thread-safe, as KafkaProducer: {@code send}, {@code flush}, {@code partitionsFor} and {@code close} run on
 * any application thread; the {@link Sender} runs on its own thread ({@code samsa-producer-network-thread}),
 * which also runs the callbacks.
 */
public class SamsaProducer<K, V> implements Producer<K, V> {
    private static final AtomicInteger CLIENT_IDS = new AtomicInteger(1);

    private final String clientId;
    private final Serializer<K> keySerializer;
    private final Serializer<V> valueSerializer;
    private final Partitioner partitioner;
    private final StickyPartitioner sticky;
    private final long maxBlockMs;
    private final int maxRequestSize;
    private final long totalMemory;
    private final MetadataCache metadata;
    private final RecordAccumulator accumulator;
    private final ProducerMetrics metrics;
    private final Sender sender;
    /** Null unless {@code transactional.id} is set. */
    private final Transactions transactions;
    private final Thread ioThread;
    private final Map<String, TopicPartition[]> topicPartitions = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public SamsaProducer(Properties properties) {
        this(ClientSettings.toMap(properties), null, null);
    }

    public SamsaProducer(Properties properties, Serializer<K> keySerializer, Serializer<V> valueSerializer) {
        this(ClientSettings.toMap(properties), keySerializer, valueSerializer);
    }

    public SamsaProducer(Map<String, Object> configs) {
        this(configs, null, null);
    }

    @SuppressWarnings("unchecked")
    public SamsaProducer(Map<String, Object> configs, Serializer<K> keySerializer, Serializer<V> valueSerializer) {
        Map<String, Object> withSerializers = new HashMap<>(configs);
        if (keySerializer != null) {
            withSerializers.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, keySerializer.getClass());
        }
        if (valueSerializer != null) {
            withSerializers.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, valueSerializer.getClass());
        }
        ProducerConfig config = new ProducerConfig(withSerializers);
        String cid = config.getString(ProducerConfig.CLIENT_ID_CONFIG);
        this.clientId = cid == null || cid.isEmpty() ? "samsa-producer-" + CLIENT_IDS.getAndIncrement() : cid;
        if (keySerializer == null) {
            this.keySerializer = config.getConfiguredInstance(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, Serializer.class);
            this.keySerializer.configure(config.originals(), true);
        } else {
            this.keySerializer = keySerializer;
        }
        if (valueSerializer == null) {
            this.valueSerializer = config.getConfiguredInstance(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                    Serializer.class);
            this.valueSerializer.configure(config.originals(), false);
        } else {
            this.valueSerializer = valueSerializer;
        }
        this.partitioner = config.getConfiguredInstance(ProducerConfig.PARTITIONER_CLASS_CONFIG, Partitioner.class,
                Map.of(ProducerConfig.CLIENT_ID_CONFIG, clientId));

        ProducerSettings s = ProducerSettings.from(config, clientId);
        this.maxBlockMs = s.maxBlockMs();
        this.maxRequestSize = s.maxRequestSize();
        this.totalMemory = s.bufferMemory();

        BufferPool pool = new BufferPool(s.bufferMemory(), s.batchSize());
        ClientCore core = new ClientCore(s.client());
        this.metadata = core.metadata();
        BatchCompressor compressor = BatchCompressor.of(s.compressionType(), s.compressionLevel());
        this.accumulator = new RecordAccumulator(new RecordAccumulator.Settings(s.batchSize(),
                s.sender().lingerMs(), s.sender().deliveryTimeoutMs()), pool, compressor, core::wakeup);
        this.sticky = new StickyPartitioner(s.batchSize(), accumulator::queuedBatches);
        this.metrics = new ProducerMetrics(clientId, pool::availableMemory, pool::totalMemory, pool::waitTimeNanosTotal);
        this.transactions = s.transactionalId() == null ? null
                : new Transactions(s.transactionalId(), s.transactionTimeoutMs());
        this.sender = new Sender(s.sender(), accumulator, core, metrics, compressor, transactions);
        this.ioThread = new Thread(sender, "samsa-producer-network-thread | " + clientId);
        this.ioThread.setDaemon(true);
        this.ioThread.start();
    }

    @Override
    public Future<RecordMetadata> send(ProducerRecord<K, V> record) {
        return send(record, null);
    }

    @Override
    public Future<RecordMetadata> send(ProducerRecord<K, V> record, Callback callback) {
        if (closed) {
            throw new IllegalStateException("Cannot perform operation after producer has been closed");
        }
        long now = System.currentTimeMillis();
        // From the I/O thread (a callback) we must not block: it is the thread that would free memory.
        long blockMs = Thread.currentThread() == ioThread ? 0 : maxBlockMs;
        long deadline = now + blockMs;
        String topic = record.topic();
        byte[] keyBytes = keySerializer.serialize(topic, record.headers(), record.key());
        byte[] valueBytes = valueSerializer.serialize(topic, record.headers(), record.value());
        Header[] headers = record.headers().toArray();
        long timestamp = record.timestamp() == null ? now : record.timestamp();
        TopicPartition tp = null;
        try {
            int size = RecordBatchWriter.singleRecordBatchSize(keyBytes == null ? -1 : keyBytes.length,
                    valueBytes == null ? -1 : valueBytes.length, headers);
            if (size > maxRequestSize) {
                throw new RecordTooLargeException("The message is " + size + " bytes when serialized which is larger"
                        + " than " + maxRequestSize + ", which is the value of the max.request.size configuration.");
            }
            if (size > totalMemory) {
                throw new RecordTooLargeException("The message is " + size + " bytes when serialized which is larger"
                        + " than the total memory buffer you have configured with the buffer.memory configuration.");
            }
            MetadataCache.TopicInfo info = metadata.awaitTopic(topic, deadline);
            int partition = partition(record, keyBytes, valueBytes, info, size);
            tp = topicPartition(topic, partition, info.partitionCount());
            if (transactions != null) {
                transactions.maybeAddPartition(tp);
            }
            long remaining = Math.max(0, deadline - System.currentTimeMillis());
            return accumulator.append(tp, timestamp, keyBytes, valueBytes, headers, callback, remaining, now);
        } catch (ApiException e) {
            if (callback != null) {
                int p = tp == null ? RecordMetadata.UNKNOWN_PARTITION : tp.partition();
                callback.onCompletion(new RecordMetadata(new TopicPartition(topic, p), -1, -1, timestamp,
                        keyBytes == null ? -1 : keyBytes.length, valueBytes == null ? -1 : valueBytes.length), e);
            }
            return CompletableFuture.failedFuture(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptException(e);
        }
    }

    /** One TopicPartition per partition, reused: a send allocates none (it was 7-13% of the producer's garbage). */
    private TopicPartition topicPartition(String topic, int partition, int partitionCount) {
        TopicPartition[] known = topicPartitions.get(topic);
        if (known == null || known.length < partitionCount) {
            TopicPartition[] grown = new TopicPartition[partitionCount];
            if (known != null) {
                System.arraycopy(known, 0, grown, 0, known.length);
            }
            topicPartitions.put(topic, grown);
            known = grown;
        }
        TopicPartition tp = known[partition];
        if (tp == null) {
            tp = new TopicPartition(topic, partition);
            known[partition] = tp; // a racing thread may store an equal one: harmless
        }
        return tp;
    }

    private int partition(ProducerRecord<K, V> record, byte[] keyBytes, byte[] valueBytes,
                          MetadataCache.TopicInfo info, int size) {
        int n = info.partitionCount();
        Integer explicit = record.partition();
        if (explicit != null) {
            if (explicit < 0 || explicit >= n) {
                throw new KafkaException("Invalid partition given with record: " + explicit
                        + " is not in the range [0..." + n + "].");
            }
            return explicit;
        }
        if (partitioner != null) {
            int p = partitioner.partition(record.topic(), record.key(), keyBytes, record.value(), valueBytes,
                    metadata.cluster());
            if (p < 0 || p >= n) {
                throw new KafkaException("Partitioner returned invalid partition " + p + " for topic "
                        + record.topic() + " with " + n + " partitions");
            }
            return p;
        }
        if (keyBytes != null) {
            return KeyPartitioner.partition(keyBytes, n);
        }
        return sticky.partition(record.topic(), n, size);
    }

    @Override
    public void flush() {
        if (Thread.currentThread() == ioThread) {
            throw new IllegalStateException("flush() from a producer callback would deadlock");
        }
        accumulator.beginFlush();
        try {
            accumulator.awaitCompletion(accumulator.incompleteSnapshot());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptException(e);
        } finally {
            accumulator.endFlush();
        }
    }

    @Override
    public List<PartitionInfo> partitionsFor(String topic) {
        try {
            return metadata.awaitTopic(topic, System.currentTimeMillis() + maxBlockMs).partitions();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptException(e);
        }
    }

    @Override
    public Map<MetricName, ? extends Metric> metrics() {
        return metrics.metrics();
    }

    @Override
    public void registerMetricForSubscription(KafkaMetric metric) {
        // no telemetry reporter: nothing to subscribe to
    }

    @Override
    public void unregisterMetricFromSubscription(KafkaMetric metric) {
        // no telemetry reporter
    }

    @Override
    public Uuid clientInstanceId(Duration timeout) {
        throw new IllegalStateException("Telemetry is not enabled on SamsaProducer");
    }

    @Override
    public void close() {
        close(Duration.ofMillis(Long.MAX_VALUE));
    }

    /**
     * Delivers pending records for up to {@code timeout}, then fails whatever is left ("closed forcefully"):
     * when this returns, every future returned by {@code send} is done.
     */
    @Override
    public void close(Duration timeout) {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("The timeout cannot be negative.");
        }
        boolean fromIoThread = Thread.currentThread() == ioThread;
        closed = true;
        sender.initiateClose(timeout.isZero() || fromIoThread);
        accumulator.pool().close();
        if (!fromIoThread) {
            try {
                long ms = timeout.toMillis();
                ioThread.join(ms == Long.MAX_VALUE ? 0 : Math.max(1, ms));
                if (ioThread.isAlive()) {
                    sender.forceClose();
                    ioThread.join();
                }
            } catch (InterruptedException e) {
                sender.forceClose();
                Thread.currentThread().interrupt();
                throw new InterruptException(e);
            }
            metrics.close();
            keySerializer.close();
            valueSerializer.close();
            if (partitioner != null) {
                partitioner.close();
            }
        }
    }

    // ---- transactions ----

    @Override
    public void initTransactions() {
        await(requireTransactions().initTransactions(), "InitProducerId");
    }

    @Override
    public void beginTransaction() {
        requireTransactions().beginTransaction();
    }

    @Override
    public void sendOffsetsToTransaction(Map<TopicPartition, OffsetAndMetadata> offsets,
                                         ConsumerGroupMetadata groupMetadata) {
        if (groupMetadata == null) {
            throw new IllegalArgumentException("Consumer group metadata could not be null");
        }
        if (groupMetadata.generationId() > 0 && groupMetadata.memberId().isEmpty()) {
            throw new IllegalArgumentException("Passed in group metadata " + groupMetadata + " has generationId > 0 "
                    + "but member.id is unknown");
        }
        Transactions t = requireTransactions();
        if (offsets.isEmpty()) {
            return;
        }
        await(t.sendOffsets(offsets, groupMetadata), "AddOffsetsToTxn/TxnOffsetCommit");
    }

    @Override
    public void commitTransaction() {
        TransactionOp op = requireTransactions().beginCommit();
        accumulator.beginFlush(); // lingering batches go now: the commit waits for them
        try {
            await(op, "EndTxn(commit)");
        } finally {
            accumulator.endFlush();
        }
    }

    @Override
    public void abortTransaction() {
        await(requireTransactions().beginAbort(), "EndTxn(abort)");
    }

    private Transactions requireTransactions() {
        if (transactions == null) {
            throw new IllegalStateException("Transactional method invoked on a non-transactional producer.");
        }
        if (closed) {
            throw new IllegalStateException("Cannot perform operation after producer has been closed");
        }
        return transactions;
    }

    /**
     * Waits up to max.block.ms for a transactional operation; a timeout leaves it pending (calling the method
     * again goes on waiting for it), an error is thrown as it came.
     */
    private void await(TransactionOp op, String what) {
        sender.wakeup();
        try {
            op.result().get(maxBlockMs, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new TimeoutException("Timeout expired after " + maxBlockMs + "ms while awaiting " + what);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new KafkaException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptException(e);
        }
    }

    @Override
    public String toString() {
        return "SamsaProducer(" + clientId + ")";
    }
}
