package io.samsa.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.broker.SamsaBroker;
import io.samsa.broker.config.BrokerConfig;
import io.samsa.broker.config.Listener;
import io.samsa.broker.config.ProcessRole;
import io.samsa.clients.admin.ClusterDescription;
import io.samsa.clients.admin.QuorumDescription;
import io.samsa.clients.admin.TopicDescription;
import picocli.CommandLine;

/** {@code samsa cluster}: parsing, the generated node configs, the node processes, the status report. */
class ClusterCommandTest {

    @Test
    void upParsesItsOptionsAndGeneratesConfigsBrokerConfigAccepts(@TempDir Path dir) throws Exception {
        CommandLine cli = SamsaCommand.commandLine();
        CommandLine.ParseResult parsed = cli.parseArgs("cluster", "up", "--nodes", "3", "--dir", dir.toString(),
                "--base-port", "19092");
        ClusterCommand.Up up = parsed.subcommand().subcommand().commandSpec().commandLine().getCommand();
        ClusterLayout layout = up.layout();
        assertThat(layout.bootstrapServers()).isEqualTo("127.0.0.1:19092,127.0.0.1:19094,127.0.0.1:19096");

        List<Path> files = layout.write();
        assertThat(files).hasSize(3);
        for (int id = 1; id <= 3; id++) {
            BrokerConfig c = BrokerConfig.load(files.get(id - 1), Map.of());
            assertThat(c.nodeId()).isEqualTo(id);
            assertThat(c.isCluster()).isTrue();
            assertThat(c.processRoles()).containsExactlyInAnyOrder(ProcessRole.BROKER, ProcessRole.CONTROLLER);
            assertThat(c.quorumVoters()).containsOnlyKeys(1, 2, 3);
            assertThat(c.quorumVoters().get(id).getPort()).isEqualTo(19091 + 2 * id);
            assertThat(c.listener()).isEqualTo(new Listener("127.0.0.1", 19090 + 2 * id));
            assertThat(c.controllerListener()).contains(new Listener("CONTROLLER", "127.0.0.1", 19091 + 2 * id));
            assertThat(c.dataDir()).isEqualTo(dir.resolve("node-" + id).resolve("data").toAbsolutePath());
            assertThat(c.defaultReplicationFactor()).isEqualTo((short) 3);
            assertThat(c.minInsyncReplicas()).isEqualTo(2);
        }
        assertThat(new ClusterProcesses(layout).command(2, List.of("-Xmx256m")))
                .containsSubsequence("-Xmx256m", SamsaCommand.class.getName(), "server", "--config",
                        dir.resolve("node-2").resolve("server.properties").toAbsolutePath().toString());
    }

    @Test
    void separateControllersGetTheirOwnNodesAndBrokersOnlyTheClientPorts(@TempDir Path dir) throws Exception {
        ClusterCommand.Up up = SamsaCommand.commandLine().parseArgs("cluster", "up", "--nodes", "2",
                "--controllers", "3", "--dir", dir.toString(), "--base-port", "19092").subcommand().subcommand()
                .commandSpec().commandLine().getCommand();
        ClusterLayout layout = up.layout();
        assertThat(layout.bootstrapServers()).isEqualTo("127.0.0.1:19092,127.0.0.1:19094");
        List<Path> files = layout.write();
        assertThat(files).hasSize(5);
        for (int id = 1; id <= 5; id++) {
            BrokerConfig c = BrokerConfig.load(files.get(id - 1), Map.of());
            assertThat(c.quorumVoters()).containsOnlyKeys(3, 4, 5);
            if (id <= 2) {
                assertThat(c.processRoles()).containsExactly(ProcessRole.BROKER);
                assertThat(c.listener()).isEqualTo(new Listener("127.0.0.1", 19090 + 2 * id));
                assertThat(c.controllerListener()).isEmpty();
                assertThat(c.defaultReplicationFactor()).isEqualTo((short) 2);
            } else {
                assertThat(c.processRoles()).containsExactly(ProcessRole.CONTROLLER);
                assertThat(c.controllerListener()).contains(new Listener("CONTROLLER", "127.0.0.1", 19091 + 2 * id));
                assertThat(layout.readyPort(id)).isEqualTo(19091 + 2 * id);
            }
        }
        InProcess.Result negative = InProcess.run("cluster", "up", "--controllers", "-1");
        assertThat(negative.exitCode()).isEqualTo(1);
        assertThat(negative.stderr()).isEqualTo(
                "samsa: --controllers must be 0 (every node is also a controller) or more, not -1\n");
    }

    @Test
    void defaultsAndMistakes() {
        ClusterCommand.Up up = SamsaCommand.commandLine().parseArgs("cluster", "up").subcommand().subcommand()
                .commandSpec().commandLine().getCommand();
        assertThat(up.layout()).isEqualTo(new ClusterLayout(3, Path.of("samsa-cluster"), "127.0.0.1", 9092));
        assertThat(up.jvmOptions()).containsExactly("-Xms64m", "-Xmx512m");
        assertThat(new ClusterLayout(1, Path.of("x"), "127.0.0.1", 9092).config(1))
                .containsEntry("default.replication.factor", "1").containsEntry("min.insync.replicas", "1");

        InProcess.Result zero = InProcess.run("cluster", "up", "--nodes", "0");
        assertThat(zero.exitCode()).isEqualTo(1);
        assertThat(zero.stderr()).isEqualTo("samsa: --nodes must be at least 1, not 0\n");
        InProcess.Result bare = InProcess.run("cluster");
        assertThat(bare.exitCode()).isEqualTo(2);
        assertThat(bare.stderr()).contains("Missing subcommand: up or status");
    }

    @Test
    void upStartsEachNodeAsAChildJvmAndStopsThem(@TempDir Path dir) throws Exception {
        ClusterLayout layout = new ClusterLayout(1, dir, "127.0.0.1", freePortPair());
        try (ClusterProcesses cluster = new ClusterProcesses(layout)) {
            List<Process> nodes = cluster.start(List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
            assertThat(nodes).hasSize(1);
            assertThat(cluster.awaitListening(Duration.ofSeconds(40)))
                    .as(() -> log(layout)).isTrue();
            String started = "Samsa broker listening on 127.0.0.1:" + layout.brokerPort(1);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!log(layout).contains(started) && nodes.get(0).isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(50); // polling the node's log file for its start-up line
            }
            assertThat(log(layout)).contains(started);
            cluster.stop(Duration.ofSeconds(20));
            assertThat(nodes.get(0).isAlive()).isFalse();
        }
    }

    @Test
    void statusShowsNodesQuorumAndUnhealthyPartitions() {
        ClusterDescription cluster = new ClusterDescription("abc", 2, List.of(
                new ClusterDescription.Broker(1, "h1", 9092, "rack-a"), new ClusterDescription.Broker(2, "h2", 9092,
                        null)));
        long now = 1_000_000;
        QuorumDescription quorum = new QuorumDescription(2, 5, 40, List.of(
                new QuorumDescription.Replica(1, 37, now - 120, now - 400),
                new QuorumDescription.Replica(2, 41, now, now),
                new QuorumDescription.Replica(3, 10, -1, -1)), List.of());
        Map<String, TopicDescription> topics = Map.of("orders", new TopicDescription("orders", null, List.of(
                new TopicDescription.Partition(0, 1, List.of(1, 2, 3), List.of(1, 2, 3), -1, -1),
                new TopicDescription.Partition(1, 2, List.of(2, 3, 1), List.of(2), -1, -1),
                new TopicDescription.Partition(2, -1, List.of(3, 1, 2), List.of(3), -1, -1))));
        StringWriter text = new StringWriter();
        ClusterCommand.Status.print(new PrintWriter(text, true), cluster, quorum, topics, now);
        assertThat(text.toString())
                .contains("Cluster abc: 2 brokers, controller 2")
                .containsPattern("(?m)^  1\\s+h1:9092\\s+rack-a$")
                .containsPattern("(?m)^  2\\s+h2:9092\\s+-$")
                .contains("Metadata quorum: leader 2, epoch 5, high watermark 40")
                .containsPattern("(?m)^  1\\s+voter\\s+37\\s+4\\s+120 ms ago\\s+400 ms ago$")
                .containsPattern("(?m)^  2\\s+leader\\s+41\\s+0\\s+0 ms ago\\s+0 ms ago$")
                .containsPattern("(?m)^  3\\s+voter\\s+10\\s+31\\s+-\\s+-$")
                .contains("Under-replicated partitions: 1").containsPattern("(?m)^  orders\\s+1\\s+2\\s+2,3,1\\s+2$")
                .contains("Offline partitions: 1").containsPattern("(?m)^  orders\\s+2\\s+none\\s+3,1,2\\s+3$");
    }

    @Test
    void statusAgainstASingleNode() throws Exception {
        try (SamsaBroker broker = SamsaBroker.startEmbedded()) {
            String b = broker.bootstrapServers();
            assertThat(InProcess.run("topics", "create", "t", "-p", "2", "-b", b).exitCode()).isZero();
            InProcess.Result status = InProcess.run("cluster", "status", "-b", b);
            assertThat(status.exitCode()).as(status.toString()).isZero();
            assertThat(status.stdout()).containsPattern("Cluster \\S+: 1 broker, controller 0")
                    .containsPattern("(?m)^  0\\s+127\\.0\\.0\\.1:" + broker.port() + "\\s+-$")
                    .contains("Metadata quorum: ")
                    .contains("Under-replicated partitions: none").contains("Offline partitions: none");
        }
    }

    private static String log(ClusterLayout layout) {
        try {
            Path log = layout.nodeDir(1).resolve(ClusterProcesses.LOG_FILE);
            return Files.exists(log) ? Files.readString(log) : "(no log)";
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** A port p with p and p+1 free now (the node's client and controller ports). */
    private static int freePortPair() throws IOException {
        for (int attempt = 0; attempt < 20; attempt++) {
            try (ServerSocket a = new ServerSocket(0)) {
                int p = a.getLocalPort();
                if (p < 65535) {
                    try (ServerSocket b = new ServerSocket(p + 1)) {
                        return p;
                    } catch (IOException taken) {
                        // try another
                    }
                }
            }
        }
        throw new IOException("no two consecutive free ports");
    }
}
