package io.samsa.clients.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.samsa.testkit.FaultyProxy;

/**
 * What SamsaProducer must do against any Kafka-compatible broker. A subclass supplies the broker: its direct
 * bootstrap address, and a {@link FaultyProxy} in front of a listener that advertises the proxy.
 */
abstract class ProducerContract {
    private static final AtomicInteger TOPICS = new AtomicInteger();

    /** Direct bootstrap address. */
    abstract String bootstrap();

    /** The proxy whose address the broker advertises on its proxied listener. */
    abstract FaultyProxy proxy();

    abstract void createTopic(String name, int partitions);

    abstract void createTopic(String name, int partitions, Map<String, String> configs);

    /** The broker port the proxy forwards to (to restore it after a test points the proxy elsewhere). */
    abstract int proxyTargetPort();

    String proxiedBootstrap() {
        return "127.0.0.1:" + proxy().port();
    }

    static String newTopic(String prefix) {
        return prefix + "-" + TOPICS.incrementAndGet();
    }

    Properties props(String bootstrap) {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", bootstrap);
        return p;
    }

    static byte[] longBytes(long v) {
        return ByteBuffer.allocate(8).putLong(v).array();
    }

    static long longOf(byte[] b) {
        return ByteBuffer.wrap(b).getLong();
    }

    // ---- the hard cases: a batch fails for good, leaders vanish, batches too large, flush ----

    /**
     * A batch the broker rejects for good (a timestamp beyond message.timestamp.after.max.ms) leaves a hole in
     * the partition's sequence; the batches behind it, already numbered and maybe in flight, are answered
     * OUT_OF_ORDER_SEQUENCE_NUMBER. The producer bumps its epoch and resends them from sequence 0: only the
     * bad record fails, every other one arrives once, in order.
     */
    @Test
    void aBatchRejectedForGoodDoesNotStallThePartition() throws Exception {
        String topic = newTopic("rejected");
        createTopic(topic, 1, Map.of("message.timestamp.after.max.ms", "3600000"));
        Properties p = props(bootstrap());
        p.setProperty("linger.ms", "0");
        p.setProperty("batch.size", "1024");
        p.setProperty("request.timeout.ms", "5000");
        p.setProperty("delivery.timeout.ms", "15000");
        int count = 3000;
        List<Future<RecordMetadata>> futures = new ArrayList<>();
        Future<RecordMetadata> bad;
        try (SamsaProducer<byte[], byte[]> producer =
                     new SamsaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, 0, null, longBytes(-1))).get(30, TimeUnit.SECONDS);
            // 61 + 959 bytes: a batch of its own, and the next record starts another one
            byte[] big = new byte[950];
            bad = producer.send(new ProducerRecord<>(topic, 0, System.currentTimeMillis() + 2 * 86_400_000L, null,
                    big));
            for (int i = 0; i < count; i++) {
                futures.add(producer.send(new ProducerRecord<>(topic, 0, null, longBytes(i))));
            }
            producer.flush();
        }
        assertThatThrownBy(bad::get).hasCauseInstanceOf(InvalidTimestampException.class);
        for (Future<RecordMetadata> f : futures) {
            assertThat(f.get().hasOffset()).isTrue();
        }
        List<ConsumerRecord<byte[], byte[]>> got = Consumed.readAll(bootstrap(), topic);
        assertThat(got).hasSize(count + 1);
        for (int i = 0; i <= count; i++) {
            assertThat(longOf(got.get(i).value())).isEqualTo(i - 1);
        }
    }

    /**
     * The leader becomes unreachable (the live connection is cut mid-request, reconnects are refused): batches
     * waiting in the accumulator, the cut one included (numbered, maybe written), fail with TimeoutException
     * once delivery.timeout.ms has passed and give their memory back, so a send blocked on a full buffer goes
     * on. When the broker is back, new records are delivered: the partition starts again under a new epoch
     * instead of waiting forever for the sequence the cut request never delivered.
     */
    @Test
    void batchesStuckInTheAccumulatorExpireFreeTheirMemoryAndThePartitionRecovers() throws Exception {
        String topic = newTopic("unreachable");
        createTopic(topic, 1);
        FaultyProxy proxy = proxy();
        Properties p = props(proxiedBootstrap());
        p.setProperty("linger.ms", "0");
        p.setProperty("request.timeout.ms", "1000");
        p.setProperty("delivery.timeout.ms", "2000");
        p.setProperty("buffer.memory", String.valueOf(64 * 1024));
        p.setProperty("max.block.ms", "10000");
        int dead;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            dead = s.getLocalPort();
        }
        List<Future<RecordMetadata>> stuck = new ArrayList<>();
        List<Future<RecordMetadata>> after = new ArrayList<>();
        try (SamsaProducer<byte[], byte[]> producer =
                     new SamsaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, 0, null, longBytes(-1))).get(30, TimeUnit.SECONDS);
            try {
                proxy.target(dead);
                proxy.cutRequestsEvery(1, 1_000);
                byte[] value = new byte[100];
                for (int i = 0; i < 2_000; i++) { // ~230 KB through a 64 KB buffer: needs expired memory back
                    Future<RecordMetadata> f = producer.send(new ProducerRecord<>(topic, 0, null, value));
                    stuck.add(f);
                    if (f.isDone() && isFailed(f)) {
                        break; // memory never came back: the assertions below say so
                    }
                }
                // A request small enough to pass the proxy before its cut may still be delivered; every other
                // send must end in the delivery timeout, never in BufferExhaustedException (memory came back).
                int expired = 0;
                for (Future<RecordMetadata> f : stuck) {
                    try {
                        f.get(30, TimeUnit.SECONDS);
                    } catch (ExecutionException e) {
                        assertThat(e.getCause()).isInstanceOf(TimeoutException.class)
                                .isNotInstanceOf(org.apache.kafka.clients.producer.BufferExhaustedException.class);
                        expired++;
                    }
                }
                assertThat(expired).as("sends that expired in the accumulator").isGreaterThan(stuck.size() / 2);
                assertThat(metric(producer, "buffer-available-bytes")).isEqualTo(64.0 * 1024);
            } finally {
                proxy.clearFaults();
                proxy.target(proxyTargetPort());
            }
            for (int i = 0; i < 100; i++) {
                after.add(producer.send(new ProducerRecord<>(topic, 0, null, longBytes(i))));
            }
            producer.flush();
        }
        for (Future<RecordMetadata> f : after) {
            assertThat(f.get().hasOffset()).isTrue();
        }
        // A TimeoutException means "outcome unknown": a stuck request the broker had already appended before
        // its response was cut is in the log too. Those are the 100-byte values; everything else must be
        // exactly the record before and the 100 after the outage, once each, in order.
        List<ConsumerRecord<byte[], byte[]>> got = Consumed.readAll(bootstrap(), topic);
        List<Long> known = got.stream().filter(r -> r.value().length == 8).map(r -> longOf(r.value())).toList();
        assertThat(known).hasSize(101);
        for (int i = 0; i <= 100; i++) {
            assertThat(known.get(i)).isEqualTo(i - 1);
        }
        assertThat(got.size() - known.size()).isLessThanOrEqualTo(stuck.size());
    }

    /**
     * Batches larger than the topic's max.message.bytes (MESSAGE_TOO_LARGE) are split in halves until they fit:
     * every record arrives exactly once and in order, with and without compression. A single record too large
     * for the topic fails alone with RecordTooLargeException.
     */
    @ParameterizedTest
    @ValueSource(strings = {"none", "lz4"})
    void batchesTooLargeForTheTopicAreSplitAndEveryRecordArrivesOnceInOrder(String codec) throws Exception {
        String topic = newTopic("split-" + codec);
        createTopic(topic, 1, Map.of("max.message.bytes", "4000"));
        Properties p = props(bootstrap());
        p.setProperty("compression.type", codec);
        p.setProperty("batch.size", String.valueOf(64 * 1024));
        p.setProperty("linger.ms", "50");
        int count = 3000;
        int tooBig = 1500;
        java.util.Random random = new java.util.Random(42);
        List<Future<RecordMetadata>> futures = new ArrayList<>();
        double splits;
        try (SamsaProducer<byte[], byte[]> producer =
                     new SamsaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < count; i++) {
                byte[] value = new byte[i == tooBig ? 6000 : 100]; // random, so lz4 cannot shrink a batch to fit
                random.nextBytes(value);
                ByteBuffer.wrap(value).putLong(i);
                futures.add(producer.send(new ProducerRecord<>(topic, 0, null, value)));
            }
            producer.flush();
            splits = metric(producer, "batch-split-total");
        }
        assertThat(splits).isGreaterThan(0);
        for (int i = 0; i < count; i++) {
            Future<RecordMetadata> f = futures.get(i);
            if (i == tooBig) {
                assertThatThrownBy(f::get).hasCauseInstanceOf(RecordTooLargeException.class);
            } else {
                assertThat(f.get().offset()).as("record %d", i).isEqualTo(i < tooBig ? i : i - 1);
            }
        }
        List<ConsumerRecord<byte[], byte[]>> got = Consumed.readAll(bootstrap(), topic);
        assertThat(got).hasSize(count - 1);
        for (int i = 0; i < count - 1; i++) {
            assertThat(longOf(got.get(i).value())).isEqualTo(i < tooBig ? i : i + 1);
        }
    }

    /** flush() parks until the batches complete (WAITING on their completion), it does not poll (TIMED_WAITING). */
    @Test
    void flushWaitsForCompletionWithoutPolling() throws Exception {
        String topic = newTopic("flush");
        createTopic(topic, 1);
        FaultyProxy proxy = proxy();
        Properties p = props(proxiedBootstrap());
        try (SamsaProducer<byte[], byte[]> producer =
                     new SamsaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, longBytes(-1))).get(30, TimeUnit.SECONDS);
            Future<RecordMetadata> f;
            Thread flusher = new Thread(producer::flush, "flusher");
            Set<Thread.State> seen = new HashSet<>();
            proxy.pause();
            try {
                f = producer.send(new ProducerRecord<>(topic, longBytes(0)));
                flusher.start();
                for (int i = 0; i < 300 && flusher.isAlive(); i++) {
                    seen.add(flusher.getState());
                    Thread.sleep(1);
                }
            } finally {
                proxy.resume();
            }
            flusher.join();
            assertThat(f.isDone()).isTrue();
            assertThat(f.get().hasOffset()).isTrue();
            assertThat(seen).contains(Thread.State.WAITING).doesNotContain(Thread.State.TIMED_WAITING);
        }
    }

    /** As KafkaProducer: when flush() or get() returns, the callbacks of the records concerned have run. */
    @Test
    void flushAndGetReturnOnlyAfterTheCallbacksHaveRun() throws Exception {
        String topic = newTopic("callbacks");
        createTopic(topic, 1);
        AtomicInteger ran = new AtomicInteger();
        int count = 300;
        try (SamsaProducer<byte[], byte[]> producer =
                     new SamsaProducer<>(props(bootstrap()), new ByteArraySerializer(), new ByteArraySerializer())) {
            Future<RecordMetadata> last = null;
            for (int i = 0; i < count; i++) {
                last = producer.send(new ProducerRecord<>(topic, longBytes(i)), (md, e) -> {
                    try {
                        Thread.sleep(1); // a slow callback widens the window a too-early return would fall into
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                    }
                    ran.incrementAndGet();
                });
            }
            last.get();
            assertThat(ran.get()).as("callbacks run when the last future completes").isEqualTo(count);
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, longBytes(i)), (md, e) -> {
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                    }
                    ran.incrementAndGet();
                });
            }
            producer.flush();
            assertThat(ran.get()).as("callbacks run when flush returns").isEqualTo(2 * count);
        }
    }

    @Test
    void deliveryTimeoutShorterThanLingerPlusRequestTimeoutIsRejectedLikeKafka() {
        Properties p = props(bootstrap());
        p.setProperty("linger.ms", "100");
        p.setProperty("request.timeout.ms", "1000");
        p.setProperty("delivery.timeout.ms", "1050");
        assertThatThrownBy(() -> new SamsaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer()))
                .isInstanceOf(org.apache.kafka.common.config.ConfigException.class)
                .hasMessageContaining("delivery.timeout.ms");
    }

    @Test
    void theSeedProgramRunsWithOnlyTheConstructorChanged() {
        String topic = newTopic("test");
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap());
        props.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
        props.put("value.serializer", "org.apache.kafka.common.serialization.StringSerializer");
        Producer<String, String> producer = new SamsaProducer<>(props);
        producer.send(new ProducerRecord<>(topic, "key", "value"));
        producer.close();

        List<ConsumerRecord<byte[], byte[]>> got = Consumed.readAll(bootstrap(), topic);
        assertThat(got).hasSize(1);
        assertThat(new String(got.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("key");
        assertThat(new String(got.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("value");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "1", "all"})
    void everyAcksLevelDeliversAndReportsOffsets(String acks) throws Exception {
        String topic = newTopic("acks");
        createTopic(topic, 3);
        // A just-created partition may not be served yet: acks=1/all would retry, but acks=0 cannot know (the
        // broker drops the batch and closes the connection). One acknowledged record per partition first.
        try (SamsaProducer<String, String> warmUp =
                     new SamsaProducer<>(props(bootstrap()), new StringSerializer(), new StringSerializer())) {
            for (int partition = 0; partition < 3; partition++) {
                warmUp.send(new ProducerRecord<>(topic, partition, null, "warm-up")).get(30, TimeUnit.SECONDS);
            }
        }
        Properties p = props(bootstrap());
        p.setProperty("acks", acks);
        List<Future<RecordMetadata>> futures = new ArrayList<>();
        try (SamsaProducer<String, String> producer =
                     new SamsaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 3000; i++) {
                futures.add(producer.send(new ProducerRecord<>(topic, i % 3, null, "v" + i)));
            }
            producer.flush();
            assertThat(futures).allMatch(Future::isDone);
        }
        long[] next = {1, 1, 1};
        for (int i = 0; i < futures.size(); i++) {
            RecordMetadata md = futures.get(i).get();
            assertThat(md.partition()).isEqualTo(i % 3);
            if (acks.equals("0")) {
                assertThat(md.hasOffset()).isFalse();
            } else {
                assertThat(md.offset()).isEqualTo(next[md.partition()]++);
            }
        }
        // acks=0: close() means sent, not appended; wait for the broker to catch up.
        assertThat(Consumed.readAtLeast(bootstrap(), topic, 3003)).hasSize(3003);
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "snappy", "lz4", "zstd"})
    void compressedBatchesArriveIntact(String codec) {
        String topic = newTopic("codec-" + codec);
        createTopic(topic, 2);
        Properties p = props(bootstrap());
        p.setProperty("compression.type", codec);
        p.setProperty("linger.ms", "20");
        try (SamsaProducer<byte[], byte[]> producer =
                     new SamsaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < 5000; i++) {
                producer.send(new ProducerRecord<>(topic, longBytes(i % 50), longBytes(i)));
            }
            producer.flush();
            double rate = metric(producer, "compression-rate-avg");
            assertThat(rate).isGreaterThan(0.0).isLessThan(1.0);
        }
        List<ConsumerRecord<byte[], byte[]>> got = Consumed.readAll(bootstrap(), topic);
        assertThat(got).hasSize(5000);
        assertThat(got.stream().map(r -> longOf(r.value())).distinct().count()).isEqualTo(5000);
    }

    /**
     * A million records, mixed keys and null keys, acks=all: every record read back exactly once, in send
     * order per partition, keyed ones in KafkaProducer's partition.
     */
    @Test
    void aMillionRecordsArriveExactlyOnceInOrderInKafkasPartitions() throws Exception {
        String topic = newTopic("million");
        int partitions = 6;
        int count = 1_000_000;
        createTopic(topic, partitions);
        Properties p = props(bootstrap());
        p.setProperty("acks", "all");
        p.setProperty("linger.ms", "10");
        p.setProperty("batch.size", String.valueOf(64 * 1024));
        AtomicLong failures = new AtomicLong();
        try (SamsaProducer<byte[], byte[]> producer =
                     new SamsaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < count; i++) {
                byte[] key = i % 10 == 0 ? null : ("key-" + (i % 7919)).getBytes(StandardCharsets.UTF_8);
                producer.send(new ProducerRecord<>(topic, key, longBytes(i)), (md, e) -> {
                    if (e != null) {
                        failures.incrementAndGet();
                    }
                });
            }
        }
        assertThat(failures.get()).isZero();
        List<ConsumerRecord<byte[], byte[]>> got = Consumed.readAll(bootstrap(), topic);
        assertThat(got).hasSize(count);
        boolean[] seen = new boolean[count];
        long[] lastPerPartition = new long[partitions];
        java.util.Arrays.fill(lastPerPartition, -1);
        for (ConsumerRecord<byte[], byte[]> r : got) {
            int i = (int) longOf(r.value());
            assertThat(seen[i]).as("duplicate %d", i).isFalse();
            seen[i] = true;
            assertThat(i).as("order in partition %d", r.partition()).isGreaterThan((int) lastPerPartition[r.partition()]);
            lastPerPartition[r.partition()] = i;
            if (r.key() != null) {
                assertThat(r.partition()).isEqualTo(Utils.toPositive(Utils.murmur2(r.key())) % partitions);
            }
        }
        Set<Integer> nullKeyPartitions = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : got) {
            if (r.key() == null) {
                nullKeyPartitions.add(r.partition());
            }
        }
        assertThat(nullKeyPartitions).as("null keys spread over partitions").hasSizeGreaterThan(1);
    }

    /** Responses dropped after the append and requests cut mid-way: retries, no duplicates, no reordering. */
    @Test
    void faultsCauseRetriesButNeverDuplicatesOrReordering() throws Exception {
        String topic = newTopic("faults");
        createTopic(topic, 3);
        FaultyProxy proxy = proxy();
        Properties p = props(proxiedBootstrap());
        p.setProperty("retry.backoff.ms", "10");
        p.setProperty("linger.ms", "2");
        p.setProperty("batch.size", "4096");
        int count = 60_000;
        List<Future<RecordMetadata>> futures = new ArrayList<>(count);
        double retries;
        try (SamsaProducer<byte[], byte[]> producer =
                     new SamsaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, 0, null, longBytes(-1))).get(30, TimeUnit.SECONDS);
            int faultsBefore = proxy.faultsInjected();
            proxy.dropResponsesEvery(9, faultsBefore + 6);
            for (int i = 0; i < count / 2; i++) {
                futures.add(producer.send(new ProducerRecord<>(topic, longBytes(i % 101), longBytes(i))));
            }
            producer.flush();
            proxy.clearFaults();
            proxy.cutRequestsEvery(7, proxy.faultsInjected() + 6);
            for (int i = count / 2; i < count; i++) {
                futures.add(producer.send(new ProducerRecord<>(topic, longBytes(i % 101), longBytes(i))));
            }
            producer.flush();
            proxy.clearFaults();
            assertThat(proxy.faultsInjected() - faultsBefore).as("faults injected").isGreaterThanOrEqualTo(4);
            retries = metric(producer, "record-retry-total");
        } finally {
            proxy.clearFaults();
        }
        for (Future<RecordMetadata> f : futures) {
            assertThat(f.get().hasOffset()).isTrue();
        }
        assertThat(retries).as("retried records").isGreaterThan(0);
        List<ConsumerRecord<byte[], byte[]>> got = Consumed.readAll(bootstrap(), topic);
        assertThat(got).hasSize(count + 1);
        Map<Integer, Long> last = new HashMap<>();
        Set<Long> seen = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : got) {
            long v = longOf(r.value());
            assertThat(seen.add(v)).as("duplicate %d", v).isTrue();
            Long prev = last.put(r.partition(), v);
            if (prev != null) {
                assertThat(v).as("order in partition %d", r.partition()).isGreaterThan(prev);
            }
        }
    }

    /** Buffer full and nothing draining: send waits max.block.ms, then that record fails; the rest arrive. */
    @Test
    void aFullBufferBlocksAtMostMaxBlockThenFailsOnlyThatRecord() throws Exception {
        String topic = newTopic("backpressure");
        createTopic(topic, 1);
        FaultyProxy proxy = proxy();
        Properties p = props(proxiedBootstrap());
        p.setProperty("buffer.memory", String.valueOf(64 * 1024));
        p.setProperty("batch.size", String.valueOf(16 * 1024));
        p.setProperty("max.block.ms", "500");
        p.setProperty("linger.ms", "0");
        List<Future<RecordMetadata>> delivered = new ArrayList<>();
        Future<RecordMetadata> timedOut = null;
        AtomicReferenceHolder callbackError = new AtomicReferenceHolder();
        try (SamsaProducer<byte[], byte[]> producer =
                     new SamsaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, longBytes(-1))).get(30, TimeUnit.SECONDS);
            proxy.pause();
            try {
                byte[] value = new byte[1000];
                for (int i = 0; i < 10_000 && timedOut == null; i++) {
                    Future<RecordMetadata> f = producer.send(new ProducerRecord<>(topic, value), (md, e) -> {
                        if (e instanceof TimeoutException) {
                            callbackError.set(e);
                        }
                    });
                    if (f.isDone() && isFailed(f)) {
                        timedOut = f;
                    } else {
                        delivered.add(f);
                    }
                }
            } finally {
                proxy.resume();
            }
            producer.flush();
        }
        assertThat(timedOut).as("a send that found the buffer full").isNotNull();
        Future<RecordMetadata> failed = timedOut;
        assertThatThrownBy(failed::get).hasCauseInstanceOf(TimeoutException.class);
        assertThat(callbackError.get()).isInstanceOf(TimeoutException.class);
        assertThat(delivered).isNotEmpty();
        for (Future<RecordMetadata> f : delivered) {
            assertThat(f.get().hasOffset()).isTrue();
        }
        assertThat(Consumed.readAll(bootstrap(), topic)).hasSize(delivered.size() + 1);
    }

    @Test
    void closeDeliversEverythingPending() throws Exception {
        String topic = newTopic("close");
        createTopic(topic, 2);
        List<Future<RecordMetadata>> futures = new ArrayList<>();
        Properties p = props(bootstrap());
        p.setProperty("linger.ms", "50");
        SamsaProducer<byte[], byte[]> producer =
                new SamsaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        for (int i = 0; i < 20_000; i++) {
            futures.add(producer.send(new ProducerRecord<>(topic, longBytes(i))));
        }
        producer.close();
        for (Future<RecordMetadata> f : futures) {
            assertThat(f.isDone()).isTrue();
            assertThat(f.get().hasOffset()).isTrue();
        }
        assertThat(Consumed.readAll(bootstrap(), topic)).hasSize(20_000);
        assertThatThrownBy(() -> producer.send(new ProducerRecord<>(topic, longBytes(0))))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closeWithATimeoutFailsWhatItCouldNotDeliverAndDropsNothingSilently() throws Exception {
        String topic = newTopic("close-timeout");
        createTopic(topic, 1);
        FaultyProxy proxy = proxy();
        List<Future<RecordMetadata>> futures = new ArrayList<>();
        Properties p = props(proxiedBootstrap());
        SamsaProducer<byte[], byte[]> producer =
                new SamsaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        producer.send(new ProducerRecord<>(topic, longBytes(-1))).get(30, TimeUnit.SECONDS);
        proxy.pause();
        try {
            for (int i = 0; i < 5_000; i++) {
                futures.add(producer.send(new ProducerRecord<>(topic, longBytes(i))));
            }
            producer.close(Duration.ofMillis(200));
        } finally {
            proxy.resume();
        }
        int failed = 0;
        for (Future<RecordMetadata> f : futures) {
            assertThat(f.isDone()).as("every future is done when close returns").isTrue();
            if (isFailed(f)) {
                failed++;
                assertThatThrownBy(f::get).hasCauseInstanceOf(KafkaException.class);
            }
        }
        assertThat(failed).as("records held back by the stalled connection fail").isEqualTo(5_000);
    }

    @Test
    void errorsReachTheCallerAsKafkaExceptions() throws Exception {
        String topic = newTopic("errors");
        createTopic(topic, 2);
        Properties p = props(bootstrap());
        p.setProperty("max.request.size", "10000");
        try (SamsaProducer<byte[], byte[]> producer =
                     new SamsaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            AtomicReferenceHolder cb = new AtomicReferenceHolder();
            Future<RecordMetadata> tooLarge = producer.send(new ProducerRecord<>(topic, new byte[20_000]),
                    (md, e) -> cb.set(e));
            assertThat(tooLarge.isDone()).isTrue();
            assertThatThrownBy(tooLarge::get).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(RecordTooLargeException.class);
            assertThat(cb.get()).isInstanceOf(RecordTooLargeException.class);
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(topic, 5, null, new byte[1])))
                    .isInstanceOf(KafkaException.class);
            assertThatThrownBy(producer::initTransactions).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("non-transactional producer");
            assertThat(producer.partitionsFor(topic)).hasSize(2);
        }
    }

    @Test
    void metricsUseKafkasNames() throws Exception {
        String topic = newTopic("metrics");
        createTopic(topic, 1);
        try (SamsaProducer<byte[], byte[]> producer =
                     new SamsaProducer<>(props(bootstrap()), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < 1000; i++) {
                producer.send(new ProducerRecord<>(topic, longBytes(i)));
            }
            producer.flush();
            assertThat(metric(producer, "record-send-total")).isEqualTo(1000.0);
            assertThat(metric(producer, "batch-size-avg")).isGreaterThan(0);
            assertThat(metric(producer, "request-latency-max")).isGreaterThanOrEqualTo(0);
            assertThat(metric(producer, "record-queue-time-avg")).isGreaterThanOrEqualTo(0);
            assertThat(metric(producer, "buffer-available-bytes")).isEqualTo(32.0 * 1024 * 1024);
            for (String name : List.of("record-send-rate", "compression-rate-avg", "request-latency-avg",
                    "records-per-request-avg", "record-error-rate", "record-retry-rate", "buffer-total-bytes")) {
                assertThat(find(producer, name)).as(name).isNotNull();
            }
        }
    }

    @Test
    void aCustomPartitionerIsUsed() throws Exception {
        String topic = newTopic("custom");
        createTopic(topic, 4);
        Properties p = props(bootstrap());
        p.setProperty("partitioner.class", LastPartitioner.class.getName());
        try (SamsaProducer<String, String> producer =
                     new SamsaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            assertThat(producer.send(new ProducerRecord<>(topic, "k", "v")).get().partition()).isEqualTo(3);
        }
    }

    /** Sends everything to the last partition. */
    public static final class LastPartitioner implements org.apache.kafka.clients.producer.Partitioner {
        @Override
        public int partition(String topic, Object key, byte[] keyBytes, Object value, byte[] valueBytes,
                             org.apache.kafka.common.Cluster cluster) {
            return cluster.partitionCountForTopic(topic) - 1;
        }

        @Override
        public void close() {
        }

        @Override
        public void configure(Map<String, ?> configs) {
        }
    }

    static final class AtomicReferenceHolder {
        private volatile Exception value;

        void set(Exception e) {
            value = e;
        }

        Exception get() {
            return value;
        }
    }

    static boolean isFailed(Future<?> f) {
        try {
            f.get();
            return false;
        } catch (ExecutionException e) {
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static Metric find(Producer<?, ?> producer, String name) {
        for (Map.Entry<MetricName, ? extends Metric> e : producer.metrics().entrySet()) {
            if (e.getKey().name().equals(name) && e.getKey().group().equals("producer-metrics")) {
                return e.getValue();
            }
        }
        return null;
    }

    static double metric(Producer<?, ?> producer, String name) {
        Metric m = find(producer, name);
        assertThat(m).as("metric " + name).isNotNull();
        return ((Number) m.metricValue()).doubleValue();
    }
}
