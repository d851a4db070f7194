package io.samsa.bench.compare;

import java.util.Locale;
import java.util.Optional;

/**
 * The tls mode's parts of the results page ({@link MarkdownReport} renders the rest): how the runs were set up, and
 * the cost of TLS on each broker, SSL / PLAINTEXT of the same broker, cell and repeat count. Stateless.
 */
final class TlsReport {
    private TlsReport() {
    }

    static void setup(StringBuilder b, Plan plan, Machine m) {
        b.append("- Brokers one at a time, one node each, same heap limit, each with its own launcher's JVM flags: ")
                .append("Kafka `").append(String.join(" ", BrokerProcess.jvmFlags("kafka", plan.heap)))
                .append("`, Samsa `").append(String.join(" ", BrokerProcess.jvmFlags("samsa", plan.heap)))
                .append("`; data on ").append(m.filesystem()).append(", no fsync per write for either, replication ")
                .append("factor 1. Two client listeners each, the same keys for both: `PLAINTEXT://127.0.0.1:P` and ")
                .append("`SSL://127.0.0.1:Q` (in `listeners`, `advertised.listeners` and ")
                .append("`listener.security.protocol.map`), `ssl.keystore.*` / `ssl.truststore.*` PKCS12, ")
                .append("`ssl.client.auth` none, every other TLS setting at its default (TLSv1.3 negotiated).\n");
        b.append("- Certificates made once per run with keytool and given to both brokers: a CA and a server ")
                .append("certificate it signed (CN=localhost, SAN IP:127.0.0.1), ")
                .append(plan.tlsKey.equals("RSA") ? "RSA 2048" : "EC P-256").append(" keys (`--tls-key`).\n");
        b.append("- Per repeat and cell, PLAINTEXT and SSL (PLAINTEXT first on even repeats, SSL on odd), each on ")
                .append("a new ").append(plan.partitions.get(0))
                .append("-partition topic: Kafka's ProducerPerformance writes ").append(MarkdownReport.fmt(plan.mb))
                .append(" MB (`--throughput -1`, the cell's acks, client defaults otherwise), then Kafka's ")
                .append("ConsumerPerformance (a group) reads it all back; both with `--command-config` ")
                .append("(`security.protocol=SSL`, `ssl.truststore.*`; the client checks the SAN). Broker CPU = ")
                .append("utime+stime of the broker process across each client run, per GB of payload.\n");
        b.append("- Handshakes (`TlsHandshakeRate`, its own JVM): ").append(plan.tlsThreads).append(" threads for ")
                .append(plan.tlsWarmupSeconds).append(" s of warm-up (not counted) and ").append(plan.tlsSeconds)
                .append(" s measured, each in a loop: TCP connect, a full TLS 1.3 handshake ")
                .append("(`SSLSocket.startHandshake()`; the session is invalidated so none is resumed), one ")
                .append("ApiVersions v3 request and its response, close. PLAINTEXT is the same loop without TLS. ")
                .append("`connection_p50/p99_ms`: connect to response read. `broker_cpu_s`: the broker's CPU over ")
                .append("the measured window; `broker_cpu_ms_per_connection` = that ÷ connections ended in it. The ")
                .append("client JVM shares the machine's cores with the broker, so the rate is the pair's, not the ")
                .append("broker's limit alone.\n");
    }

    /** SSL / PLAINTEXT per broker for every SSL row that has a PLAINTEXT twin. */
    static void cost(StringBuilder b, Samples samples) {
        b.append("## What TLS costs each broker (SSL / PLAINTEXT, same broker)\n\n");
        b.append("| Test | Client | Cell | Metric | Kafka SSL/PLAINTEXT | Samsa SSL/PLAINTEXT |\n");
        b.append("|---|---|---|---|---:|---:|\n");
        for (Samples.Key k : samples.keys()) {
            Optional<String> plain = plaintextCell(k.cell());
            if (plain.isEmpty()) {
                continue;
            }
            Samples.Key reference = new Samples.Key(k.test(), k.client(), plain.get(), k.metric());
            b.append("| ").append(k.test()).append(" | ").append(k.client()).append(" | ")
                    .append(k.cell().replaceFirst("^SSL ", "")).append(" | ").append(k.metric()).append(" | ")
                    .append(ratio(samples, "kafka", k, reference)).append(" | ")
                    .append(ratio(samples, "samsa", k, reference)).append(" |\n");
        }
        b.append("\n");
    }

    /** The PLAINTEXT twin of an SSL cell: "SSL 100B p1 acks=1 none", "SSL TLSv1.3, 4 threads"; else empty. */
    static Optional<String> plaintextCell(String cell) {
        if (cell.startsWith("SSL TLSv1.3")) {
            return Optional.of("PLAINTEXT" + cell.substring("SSL TLSv1.3".length()));
        }
        return cell.startsWith("SSL ") ? Optional.of("PLAINTEXT " + cell.substring(4)) : Optional.empty();
    }

    private static String ratio(Samples samples, String broker, Samples.Key ssl, Samples.Key plain) {
        Optional<Double> a = samples.median(broker, ssl);
        Optional<Double> p = samples.median(broker, plain);
        return a.isPresent() && p.isPresent() && p.get() != 0
                ? String.format(Locale.ROOT, "%.2f", a.get() / p.get()) : "–";
    }
}
