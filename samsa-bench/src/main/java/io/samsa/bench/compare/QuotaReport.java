package io.samsa.bench.compare;

import java.util.Locale;
import java.util.Optional;

/**
 * The quota mode's parts of the results page ({@link MarkdownReport} renders the rest): how the runs were set up,
 * and what enforcement costs each broker, the cost runs with quotas set / the same broker's no-quota run. Stateless.
 */
final class QuotaReport {
    private QuotaReport() {
    }

    static void setup(StringBuilder b, Plan plan, Machine m) {
        String q = MarkdownReport.fmt(plan.quotaBytes / 1048576.0) + " MiB/s (" + plan.quotaBytes + " B/s)";
        b.append("- Brokers one at a time, one node each, same heap limit, each with its own launcher's JVM flags: ")
                .append("Kafka `").append(String.join(" ", BrokerProcess.jvmFlags("kafka", plan.heap)))
                .append("`, Samsa `").append(String.join(" ", BrokerProcess.jvmFlags("samsa", plan.heap)))
                .append("`; data on ").append(m.filesystem()).append(", no fsync per write for either, replication ")
                .append("factor 1, every quota setting at its default for both (`quota.window.num` 11, ")
                .append("`quota.window.size.seconds` 1). Quotas set with the stock Admin `alterClientQuotas`; a ")
                .append("setting counts as applied once `describeClientQuotas` shows it (`alter_to_described_ms`).\n");
        b.append("- Enforcement cost (first, before any quota was ever set): per repeat, Kafka's ProducerPerformance ")
                .append("writes ").append(MarkdownReport.fmt(plan.mb)).append(" MB (`--throughput -1`, ")
                .append(QuotaRun.costProduceCell(plan).label()).append(", client defaults otherwise) to a new ")
                .append("1-partition topic under each setting: ").append(QuotaRun.Setting.NONE.label).append("; ")
                .append(QuotaRun.Setting.OTHER.label).append(" (").append(q).append(", the writer is another ")
                .append("client); ").append(QuotaRun.Setting.DEFAULT.label).append(" (`producer_byte_rate` and ")
                .append("`consumer_byte_rate` of the default client id: every request is recorded against a quota, ")
                .append("none is throttled). The order is reversed on odd repeats. Broker CPU = utime+stime of the ")
                .append("broker process across the run.\n");
        b.append("- Held rate: client-id `limited` has `producer_byte_rate` and `consumer_byte_rate` = ").append(q)
                .append(". `QuotaClients` (one JVM, one stock client per client id, each on its own thread, the same ")
                .append("start instant) runs flat out for ").append(plan.quotaSeconds).append(" s: client-id ")
                .append("`unlimited` alone, and `limited` beside `unlimited` (alone first on even repeats). ")
                .append("Produce: KafkaProducer, acks=1, ").append(plan.quotaRecordSize).append(" B values, client ")
                .append("defaults otherwise, both to one new 1-partition topic; a record counts in the second of its ")
                .append("ack, and what is still buffered at the end is dropped. Consume: KafkaConsumer, assign() ")
                .append("from the beginning of a topic pre-filled once with ")
                .append(MarkdownReport.fmt(plan.quotaFillMb))
                .append(" MB, back to the beginning at its end; a record counts in the second its poll returned it.\n");
        b.append("- `ratio_to_quota`: payload (key + value) bytes over the whole run ÷ run length ÷ quota: it ")
                .append("includes a new client's burst (Kafka's rate spans the windows, so a new client may at first ")
                .append("spend about quota × 10 s). `wire_ratio_to_quota`: the client's own network bytes ")
                .append("(`outgoing-byte-total` / `incoming-byte-total`), closer to what the broker counts. ")
                .append("`steady_*`: seconds ").append(plan.quotaSteadyFrom).append(" to ").append(plan.quotaSeconds)
                .append(" only (after the first `quota.window.num` × `quota.window.size`): their mean, and the ")
                .append("p50 and p99 (nearest rank: of a few seconds, the largest) of the per-second rates, ÷ quota. ")
                .append("`throttle_time_max_ms`: the client's `produce-throttle-time-max` / ")
                .append("`fetch-throttle-time-max`. `ratio_to_alone`: the unlimited client's MB/s beside `limited` ÷ ")
                .append("its MB/s alone in the same repeat (MB = 10^6 B). `broker_cpu_s` / `client_jvm_cpu_s`: the ")
                .append("broker's and the client JVM's CPU across the run (for `limited`, the run with both clients). ")
                .append("The clients share the machine's cores with ")
                .append("the broker.\n");
    }

    /** Every cost row with a quota set, ÷ the same broker's no-quota row of that metric. */
    static void cost(StringBuilder b, Samples samples, Plan plan) {
        b.append("## What enforcement costs each broker (quota set / no quota, same broker)\n\n");
        b.append("| Client | Setting | Metric | Kafka | Samsa |\n");
        b.append("|---|---|---|---:|---:|\n");
        String none = QuotaRun.costCell(QuotaRun.Setting.NONE, plan);
        for (Samples.Key k : samples.keys()) {
            if (!k.test().equals("enforcement cost") || k.cell().equals(none)) {
                continue;
            }
            Samples.Key reference = new Samples.Key(k.test(), k.client(), none, k.metric());
            b.append("| ").append(k.client()).append(" | ").append(k.cell()).append(" | ").append(k.metric())
                    .append(" | ").append(ratio(samples, "kafka", k, reference)).append(" | ")
                    .append(ratio(samples, "samsa", k, reference)).append(" |\n");
        }
        b.append("\n");
    }

    private static String ratio(Samples samples, String broker, Samples.Key with, Samples.Key without) {
        Optional<Double> a = samples.median(broker, with);
        Optional<Double> n = samples.median(broker, without);
        return a.isPresent() && n.isPresent() && n.get() != 0
                ? String.format(Locale.ROOT, "%.2f", a.get() / n.get()) : "–";
    }
}
