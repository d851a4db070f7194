package io.samsa.bench.compare;

import java.util.Arrays;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Transactional produce throughput with the stock KafkaProducer ({@code transactional.id}, acks=all, idempotence):
 * fixed-size records in transactions of exactly {@code --records-per-txn}, one after the other on one thread, until
 * {@code --num-records} are committed or {@code --max-seconds} have passed (checked after each commit, so only whole
 * transactions count). Kafka's ProducerPerformance can only end a transaction on a timer
 * ({@code --transaction-duration-ms}), not after a number of records, hence this tool.
 * <pre>
 * TransactionalProducerPerf --bootstrap-server HOST:PORT --topic T --num-records N --records-per-txn K
 *     [--record-size 100] [--max-seconds S] [--transactional-id ID] [--producer-property K=V]...
 * </pre>
 * Each transaction is begin, K sends, {@code flush()}, {@code commitTransaction()}; the flush is what commit does
 * first anyway, so timing it apart splits the transaction's own writes from the commit (EndTxn and its markers).
 * The clock starts after {@code initTransactions()}. Prints one line:
 * {@code txn: N records, T transactions of K, R records/sec (M MB/sec), X txn/sec, commit p50 A ms, p99 B ms,
 * max C ms, txn p50 D ms, p99 E ms, init F ms}; exit 1 if any send or commit failed.
 */
public final class TransactionalProducerPerf {
    private TransactionalProducerPerf() {
    }

    public static void main(String[] args) {
        String bootstrap = null;
        String topic = null;
        long records = -1;
        int perTxn = -1;
        int size = 100;
        long maxSeconds = Long.MAX_VALUE;
        String txnId = "bench-txn-" + ProcessHandle.current().pid();
        Properties extra = new Properties();
        for (int i = 0; i + 1 < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--bootstrap-server" -> bootstrap = v;
                case "--topic" -> topic = v;
                case "--num-records" -> records = Long.parseLong(v);
                case "--records-per-txn" -> perTxn = Integer.parseInt(v);
                case "--record-size" -> size = Integer.parseInt(v);
                case "--max-seconds" -> maxSeconds = Long.parseLong(v);
                case "--transactional-id" -> txnId = v;
                case "--producer-property" -> extra.setProperty(v.substring(0, v.indexOf('=')),
                        v.substring(v.indexOf('=') + 1));
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (bootstrap == null || topic == null || records < 1 || perTxn < 1) {
            System.err.println("usage: TransactionalProducerPerf --bootstrap-server HOST:PORT --topic T --num-records N"
                    + " --records-per-txn K [--record-size B] [--max-seconds S] [--transactional-id ID]"
                    + " [--producer-property K=V]...");
            System.exit(2);
        }
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", bootstrap);
        p.setProperty("transactional.id", txnId);
        p.setProperty("acks", "all");
        p.setProperty("enable.idempotence", "true");
        p.putAll(extra);
        // As ProducerPerformance: one random payload, sent again and again.
        byte[] payload = new byte[size];
        for (int i = 0; i < size; i++) {
            payload[i] = (byte) ('A' + ThreadLocalRandom.current().nextInt(26));
        }
        long maxTxns = (records + perTxn - 1) / perTxn;
        long[] commitNanos = new long[(int) Math.min(maxTxns, 10_000_000)];
        long[] txnNanos = new long[commitNanos.length];
        AtomicLong failed = new AtomicLong();
        AtomicReference<String> lastError = new AtomicReference<>("");
        int txns = 0;
        long initNanos;
        long start;
        long end;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            long initStart = System.nanoTime();
            producer.initTransactions();
            start = System.nanoTime();
            initNanos = start - initStart;
            long budget = TimeUnit.SECONDS.toNanos(maxSeconds); // saturates: no overflow
            while (txns < commitNanos.length && System.nanoTime() - start < budget) {
                long begin = System.nanoTime();
                producer.beginTransaction();
                for (int i = 0; i < perTxn; i++) {
                    producer.send(new ProducerRecord<>(topic, payload), (md, e) -> {
                        if (e != null) {
                            failed.incrementAndGet();
                            lastError.set(e.toString());
                        }
                    });
                }
                producer.flush();
                long commit = System.nanoTime();
                producer.commitTransaction(); // throws if a send of this transaction failed
                long done = System.nanoTime();
                commitNanos[txns] = done - commit;
                txnNanos[txns] = done - begin;
                txns++;
            }
            end = System.nanoTime();
        } catch (RuntimeException e) {
            System.err.printf(Locale.ROOT, "transaction %d of %d records failed: %s (%d sends failed; last: %s)%n",
                    txns + 1, perTxn, e, failed.get(), lastError.get());
            System.exit(1);
            return;
        }
        long committed = (long) txns * perTxn;
        double sec = Math.max(1, end - start) / 1e9;
        double[] commit = sortedMs(commitNanos, txns);
        double[] txn = sortedMs(txnNanos, txns);
        System.out.printf(Locale.ROOT, "txn: %d records, %d transactions of %d, %.1f records/sec (%.2f MB/sec), "
                        + "%.1f txn/sec, commit p50 %.3f ms, p99 %.3f ms, max %.3f ms, txn p50 %.3f ms, p99 %.3f ms, "
                        + "init %.1f ms%n", committed, txns, perTxn, committed / sec,
                committed * (double) size / (1024 * 1024) / sec, txns / sec, LatencyProbe.quantile(commit, 0.50),
                LatencyProbe.quantile(commit, 0.99), LatencyProbe.quantile(commit, 1.0),
                LatencyProbe.quantile(txn, 0.50), LatencyProbe.quantile(txn, 0.99), initNanos / 1e6);
        System.exit(failed.get() > 0 ? 1 : 0);
    }

    private static double[] sortedMs(long[] nanos, int n) {
        double[] ms = new double[n];
        for (int i = 0; i < n; i++) {
            ms[i] = nanos[i] / 1e6;
        }
        Arrays.sort(ms);
        return ms;
    }
}
