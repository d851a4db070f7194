package io.samsa.bench.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The flags of bench/compare, bench/failover, bench/compaction, bench/transactions, bench/tls and bench/quota:
 * single-node defaults as they were; the others.
 */
class PlanTest {
    private static Plan parse(String... args) {
        List<String> all = new ArrayList<>(List.of("--kafka-libs", "libs", "--samsa-jar", "s.jar", "--bench-jar",
                "b.jar"));
        all.addAll(List.of(args));
        return Plan.parse(all.toArray(String[]::new));
    }

    @Test
    void singleNodeDefaultsAreUnchanged() {
        Plan p = parse();
        assertThat(p.cluster()).isFalse();
        assertThat(p.failover()).isFalse();
        assertThat(p.nodes).isEqualTo(1);
        assertThat(p.replicationFactor).isEqualTo(1);
        assertThat(p.minInsyncReplicas).isZero();
        assertThat(p.acks).containsExactly("1", "all");
        assertThat(BrokerCluster.topicConfigs(p)).isEmpty();

        Plan quick = parse("--quick");
        assertThat(quick.acks).containsExactly("1");
        assertThat(quick.throughputCells()).containsExactly(new Cell(100, 1, "1", "none"));
    }

    @Test
    void threeNodesDefaultToReplicationFactorThreeMinIsrTwoAndAcksAll() {
        Plan p = parse("--nodes", "3");
        assertThat(p.cluster()).isTrue();
        assertThat(p.replicationFactor).isEqualTo(3);
        assertThat(p.minInsyncReplicas).isEqualTo(2);
        assertThat(p.acks).containsExactly("all");
        assertThat(BrokerCluster.topicConfigs(p)).containsEntry("min.insync.replicas", "2");
        assertThat(parse("--nodes", "3", "--quick").throughputCells()).containsExactly(new Cell(100, 1, "all", "none"));

        Plan explicit = parse("--nodes", "3", "--replication-factor", "2", "--min-insync-replicas", "1", "--acks", "1");
        assertThat(explicit.replicationFactor).isEqualTo(2);
        assertThat(explicit.minInsyncReplicas).isEqualTo(1);
        assertThat(explicit.acks).containsExactly("1");
    }

    @Test
    void failoverModeDefaultsToThreeNodesFiveKillsBothSignals() {
        Plan p = parse("--mode", "failover");
        assertThat(p.failover()).isTrue();
        assertThat(p.nodes).isEqualTo(3);
        assertThat(p.replicationFactor).isEqualTo(3);
        assertThat(p.kills).isEqualTo(5);
        assertThat(p.signals).containsExactly("KILL", "TERM");
        assertThat(parse("--mode", "failover", "--quick").kills).isEqualTo(2);
        assertThat(parse("--mode", "failover", "--signals", "sigkill", "--kills", "3").signals).containsExactly("KILL");
    }

    @Test
    void compactionModeIsOneNodeWithTheCleanerSettingsBothBrokersGet() {
        Plan p = parse("--mode", "compaction");
        assertThat(p.compaction()).isTrue();
        assertThat(p.cluster()).isFalse();
        assertThat(p.compactionMb).isEqualTo(512);
        assertThat(p.repeats).isEqualTo(3);
        Plan quick = parse("--mode", "compaction", "--quick");
        assertThat(quick.compactionMb).isEqualTo(16);
        assertThat(quick.repeats).isEqualTo(1);
        assertThat(quick.baselineSeconds).isEqualTo(3);
        assertThat(parse("--mode", "compaction", "--quick", "--compaction-mb", "64").compactionMb).isEqualTo(64);
        assertThat(CompactionRun.cleanerSettings()).containsEntry("log.cleaner.backoff.ms", "200")
                .containsEntry("log.cleaner.threads", "1").containsEntry("log.cleaner.dedupe.buffer.size", "134217728");
        assertThatThrownBy(() -> parse("--mode", "compaction", "--nodes", "3")).hasMessageContaining("one node");
    }

    @Test
    void transactionsModeIsOneNodeWithTwoTransactionSizes() {
        Plan p = parse("--mode", "transactions");
        assertThat(p.transactions()).isTrue();
        assertThat(p.compaction()).isFalse();
        assertThat(p.cluster()).isFalse();
        assertThat(p.txnSizes).containsExactly(100, 1000);
        assertThat(p.txnRecords).isEqualTo(1_000_000);
        assertThat(p.txnSeconds).isEqualTo(60);
        assertThat(p.repeats).isEqualTo(3);
        Plan quick = parse("--mode", "transactions", "--quick");
        assertThat(quick.txnRecords).isEqualTo(20_000);
        assertThat(quick.txnSeconds).isEqualTo(15);
        assertThat(quick.repeats).isEqualTo(1);
        assertThat(parse("--mode", "transactions", "--quick", "--txn-records", "5000").txnRecords).isEqualTo(5000);
        assertThat(parse("--mode", "transactions", "--txn-sizes", "10").txnSizes).containsExactly(10);
        assertThat(TransactionsRun.cell(p, 1000)).isEqualTo("100 B × 1000/txn p1");
        assertThatThrownBy(() -> parse("--mode", "transactions", "--nodes", "3")).hasMessageContaining("one node");
        assertThatThrownBy(() -> parse("--mode", "transactions", "--txn-sizes", "0")).hasMessageContaining("one node");
    }

    @Test
    void tlsModeIsOneNodeWithOnePartitionUncompressedCells() {
        Plan p = parse("--mode", "tls");
        assertThat(p.tls()).isTrue();
        assertThat(p.transactions()).isFalse();
        assertThat(p.throughputCells()).containsExactly(new Cell(100, 1, "1", "none"), new Cell(100, 1, "all", "none"),
                new Cell(1024, 1, "1", "none"), new Cell(1024, 1, "all", "none"));
        assertThat(p.tlsThreads).isEqualTo(4);
        assertThat(p.tlsSeconds).isEqualTo(10);
        assertThat(p.tlsKey).isEqualTo("EC");
        Plan quick = parse("--mode", "tls", "--quick");
        assertThat(quick.throughputCells()).containsExactly(new Cell(100, 1, "1", "none"));
        assertThat(quick.tlsSeconds).isEqualTo(3);
        assertThat(quick.repeats).isEqualTo(1);
        assertThat(parse("--mode", "tls", "--partitions", "6").throughputCells().get(0).partitions()).isEqualTo(6);
        assertThat(parse("--mode", "tls", "--tls-key", "rsa").tlsKey).isEqualTo("RSA");
        // A plain compare run keeps its six-partition and lz4 cells.
        assertThat(parse().throughputCells()).hasSize(16);
        assertThatThrownBy(() -> parse("--mode", "tls", "--nodes", "3")).hasMessageContaining("one node");
        assertThatThrownBy(() -> parse("--mode", "tls", "--tls-key", "DSA")).hasMessageContaining("EC or RSA");
        assertThat(TlsRun.cell("SSL", new Cell(100, 1, "1", "none"))).isEqualTo("SSL 100B p1 acks=1 none");
        assertThat(TlsReport.plaintextCell("SSL 100B p1 acks=1 none")).contains("PLAINTEXT 100B p1 acks=1 none");
        assertThat(TlsReport.plaintextCell(TlsRun.handshakeCell("SSL", p)))
                .contains(TlsRun.handshakeCell("PLAINTEXT", p));
        assertThat(TlsReport.plaintextCell("PLAINTEXT 100B p1 acks=1 none")).isEmpty();
    }

    @Test
    void quotaModeIsOneNodeWithAOneMebibyteQuotaAndTwentySecondRuns() {
        Plan p = parse("--mode", "quota");
        assertThat(p.quota()).isTrue();
        assertThat(p.quotaBytes).isEqualTo(1048576);
        assertThat(p.quotaSeconds).isEqualTo(20);
        assertThat(p.quotaSteadyFrom).isEqualTo(11);
        assertThat(p.mb).isEqualTo(500);
        assertThat(p.repeats).isEqualTo(3);
        Plan quick = parse("--mode", "quota", "--quick");
        assertThat(quick.quotaSeconds).isEqualTo(12);
        assertThat(quick.mb).isEqualTo(10);
        assertThat(quick.repeats).isEqualTo(1);
        assertThat(parse("--mode", "quota", "--quota-bytes", "2097152").quotaBytes).isEqualTo(2097152);
        assertThat(parse("--mode", "quota", "--mb", "50").mb).isEqualTo(50);
        assertThatThrownBy(() -> parse("--mode", "quota", "--nodes", "3")).hasMessageContaining("one node");
        assertThatThrownBy(() -> parse("--mode", "quota", "--quota-seconds", "10")).hasMessageContaining("steady");
        assertThat(QuotaRun.costCell(QuotaRun.Setting.DEFAULT, p))
                .isEqualTo("default client-id quota 10 GB/s, 1KiB p1 acks=1 none");
    }

    @Test
    void quotaClientLinesParse() {
        String out = "WARN something\nquota-client: limited produce, 3072 bytes, wire 3500 bytes, throttle max 1012.0 "
                + "ms, per second: 2048 0 1024\nquota-client: unlimited produce, 90000 bytes, wire 91000 bytes, "
                + "throttle max NaN ms, per second: 30000 30000 30000\n";
        var got = ClientTools.parseQuotaClients(out);
        assertThat(got.keySet()).containsExactly("limited", "unlimited");
        assertThat(got.get("limited").bytes()).isEqualTo(3072);
        assertThat(got.get("limited").wireBytes()).isEqualTo(3500);
        assertThat(got.get("limited").throttleMaxMs()).isEqualTo(1012.0);
        assertThat(got.get("limited").perSecond()).containsExactly(2048, 0, 1024);
        assertThat(got.get("unlimited").throttleMaxMs()).isNaN();
        assertThat(QuotaRun.rank(new long[] {1, 2, 3, 4}, 0.5)).isEqualTo(2);
        assertThat(QuotaRun.rank(new long[] {1, 2, 3, 4}, 0.99)).isEqualTo(4);
    }

    @Test
    void handshakeSummaryParses() {
        String out = "handshakes: SSL, 276 connections, 4 threads, 5.0 s, 55.2/sec, p50 57.008 ms, p99 276.528 ms, "
                + "max 500.573 ms, failed 0, broker cpu 2.000 s\nfirst failure: none\n";
        ClientTools.HandshakeSummary s = ClientTools.parseHandshakes(out).orElseThrow();
        assertThat(s.connections()).isEqualTo(276);
        assertThat(s.perSec()).isEqualTo(55.2);
        assertThat(s.p50Ms()).isEqualTo(57.008);
        assertThat(s.p99Ms()).isEqualTo(276.528);
        assertThat(s.maxMs()).isEqualTo(500.573);
        assertThat(s.failed()).isZero();
        assertThat(s.brokerCpuSeconds()).isEqualTo(2.0);
        assertThat(ClientTools.parseHandshakes("usage: TlsHandshakeRate ...")).isEmpty();
    }

    @Test
    void transactionalProducerSummaryParses() {
        String out = "some warning\ntxn: 20000 records, 200 transactions of 100, 7701.2 records/sec (0.73 MB/sec), "
                + "77.0 txn/sec, commit p50 2.350 ms, p99 14.800 ms, max 20.100 ms, txn p50 8.360 ms, p99 135.000 ms, "
                + "init 1754.0 ms\n";
        ClientTools.TxnSummary s = ClientTools.parseTransactional(out).orElseThrow();
        assertThat(s.records()).isEqualTo(20000);
        assertThat(s.transactions()).isEqualTo(200);
        assertThat(s.recordsPerSec()).isEqualTo(7701.2);
        assertThat(s.mbPerSec()).isEqualTo(0.73);
        assertThat(s.txnPerSec()).isEqualTo(77.0);
        assertThat(s.commitP50()).isEqualTo(2.35);
        assertThat(s.commitP99()).isEqualTo(14.8);
        assertThat(s.commitMax()).isEqualTo(20.1);
        assertThat(s.txnP99()).isEqualTo(135.0);
        assertThat(s.initMs()).isEqualTo(1754.0);
        assertThat(ClientTools.parseTransactional("transaction 3 of 100 records failed: boom")).isEmpty();
    }

    @Test
    void rejectsImpossibleClusters() {
        assertThatThrownBy(() -> parse("--nodes", "3", "--replication-factor", "4"))
                .hasMessageContaining("--replication-factor");
        assertThatThrownBy(() -> parse("--nodes", "3", "--min-insync-replicas", "4"))
                .hasMessageContaining("--min-insync-replicas");
        assertThatThrownBy(() -> parse("--mode", "failover", "--nodes", "1")).hasMessageContaining("failover needs");
        assertThatThrownBy(() -> parse("--mode", "failover", "--signals", "HUP")).hasMessageContaining("HUP");
        assertThatThrownBy(() -> parse("--mode", "chaos")).hasMessageContaining("--mode");
    }

    @Test
    void clusterPortsNameEveryVoter() {
        ClusterPorts ports = new ClusterPorts(List.of(9092, 9094, 9096), List.of(9093, 9095, 9097));
        assertThat(ports.voters()).isEqualTo("1@127.0.0.1:9093,2@127.0.0.1:9095,3@127.0.0.1:9097");
        assertThat(BrokerProcess.kraftSettings(2, ports.voters(), ports.clientPort(2), ports.controllerPort(2)))
                .containsEntry("node.id", "2")
                .containsEntry("process.roles", "broker,controller")
                .containsEntry("listeners", "PLAINTEXT://127.0.0.1:9094,CONTROLLER://127.0.0.1:9095")
                .containsEntry("controller.listener.names", "CONTROLLER");
    }
}
