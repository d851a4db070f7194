package io.samsa.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import org.apache.kafka.common.errors.UnsupportedVersionException;

import io.samsa.clients.admin.ClusterDescription;
import io.samsa.clients.admin.QuorumDescription;
import io.samsa.clients.admin.SamsaAdmin;
import io.samsa.clients.admin.TopicDescription;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code samsa cluster}: run a local cluster ({@code up}) and show a cluster's health ({@code status}). */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = "Run a local multi-node cluster, or show a cluster's nodes, quorum and partitions.",
        subcommands = {ClusterCommand.Up.class, ClusterCommand.Status.class})
final class ClusterCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: up or status");
    }

    @Command(name = "up", mixinStandardHelpOptions = true,
            description = {"Start a local cluster: N combined broker+controller nodes, each its own JVM, on "
                    + "loopback ports from --base-port (node i: PLAINTEXT base+2(i-1), CONTROLLER the next port).",
                    "With --controllers C: N broker-only nodes (1..N) and C controller-only nodes (N+1..N+C), "
                    + "as production clusters run.",
                    "Configs and data go under --dir (node-i/server.properties, node-i/data, node-i/server.log).",
                    "Ctrl-C stops every node."})
    static final class Up implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = {"-n", "--nodes"}, paramLabel = "N", defaultValue = "3",
                description = "Number of nodes (default: ${DEFAULT-VALUE}).")
        int nodes = 3;
        @Option(names = {"-c", "--controllers"}, paramLabel = "C", defaultValue = "0",
                description = "Separate controller-only nodes (3 survive one failure); 0: every node is also a "
                        + "controller (default: ${DEFAULT-VALUE}).")
        int controllers = 0;
        @Option(names = {"-d", "--dir"}, paramLabel = "DIR", defaultValue = "samsa-cluster",
                description = "Where configs, data and logs go (default: ./${DEFAULT-VALUE}).")
        Path dir = Path.of("samsa-cluster");
        @Option(names = "--base-port", paramLabel = "PORT", defaultValue = "9092",
                description = "Node 1's client port (default: ${DEFAULT-VALUE}).")
        int basePort = 9092;
        @Option(names = "--host", paramLabel = "HOST", defaultValue = "127.0.0.1",
                description = "The address every node binds and advertises (default: ${DEFAULT-VALUE}).")
        String host = "127.0.0.1";
        @Option(names = "--jvm-options", paramLabel = "OPTS", defaultValue = "-Xms64m -Xmx512m",
                description = "Each node's JVM options (default: ${DEFAULT-VALUE}).")
        String jvmOptions = "-Xms64m -Xmx512m";
        @Option(names = "--startup-timeout", paramLabel = "SECONDS", defaultValue = "60",
                description = "How long to wait for every node to listen (default: ${DEFAULT-VALUE}).")
        int startupTimeoutSeconds = 60;

        ClusterLayout layout() {
            return new ClusterLayout(nodes, controllers, dir, host, basePort);
        }

        List<String> jvmOptions() {
            return jvmOptions.isBlank() ? List.of() : List.of(jvmOptions.trim().split("\\s+"));
        }

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            ClusterLayout layout = layout();
            ClusterProcesses cluster = new ClusterProcesses(layout);
            Thread stopper = new Thread(() -> cluster.stop(Duration.ofSeconds(15)), "samsa-cluster-stop");
            Runtime.getRuntime().addShutdownHook(stopper);
            cluster.start(jvmOptions());
            out.printf("Starting %d nodes%s (configs and logs in %s) ...%n", layout.totalNodes(), controllers == 0 ? ""
                    : " (" + nodes + " brokers, " + controllers + " controllers)", dir.toAbsolutePath());
            out.flush();
            if (!cluster.awaitListening(Duration.ofSeconds(startupTimeoutSeconds))) {
                cluster.stop(Duration.ofSeconds(15));
                throw new UserException("the nodes did not all listen within " + startupTimeoutSeconds
                        + " s; see " + dir.resolve("node-*").resolve(ClusterProcesses.LOG_FILE));
            }
            out.println("Samsa cluster up: bootstrap servers " + layout.bootstrapServers());
            out.println("  samsa cluster status -b " + layout.bootstrapServers());
            out.println("Ctrl-C stops every node.");
            out.flush();
            for (Process p : cluster.processes()) {
                p.waitFor();
            }
            return 0;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Show the brokers, the metadata quorum, and under-replicated and offline partitions.")
    static final class Status implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions client;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (SamsaAdmin admin = client.admin()) {
                ClusterDescription cluster = admin.describeCluster();
                QuorumDescription quorum;
                try {
                    quorum = admin.describeQuorum();
                } catch (UnsupportedVersionException e) {
                    quorum = null; // a broker without DescribeQuorum: show the rest
                }
                Map<String, TopicDescription> topics = admin.describeTopicsLeadership();
                print(out, cluster, quorum, topics, System.currentTimeMillis());
            }
            return 0;
        }

        static void print(PrintWriter out, ClusterDescription cluster, QuorumDescription quorum,
                          Map<String, TopicDescription> topics, long nowMs) {
            out.printf("Cluster %s: %d broker%s, controller %s%n", cluster.clusterId(), cluster.brokers().size(),
                    cluster.brokers().size() == 1 ? "" : "s", cluster.controllerId() < 0 ? "none"
                            : cluster.controllerId());
            Table brokers = new Table("NODE", "HOST:PORT", "RACK");
            cluster.brokers().forEach(b -> brokers.row(b.id(), b.host() + ":" + b.port(),
                    b.rack() == null ? "-" : b.rack()));
            brokers.print(out, "  ");

            if (quorum == null) {
                out.printf("%nMetadata quorum: not reported (the broker does not serve DescribeQuorum)%n");
            } else {
                printQuorum(out, quorum, nowMs);
            }
            printPartitions(out, topics);
        }

        private static void printQuorum(PrintWriter out, QuorumDescription quorum, long nowMs) {
            out.printf("%nMetadata quorum: leader %s, epoch %d, high watermark %d%n",
                    quorum.leaderId() < 0 ? "none" : quorum.leaderId(), quorum.leaderEpoch(), quorum.highWatermark());
            Table voters = new Table("NODE", "ROLE", "LOG-END", "LAG", "LAST-FETCH", "LAST-CAUGHT-UP");
            quorum.voters().forEach(v -> voters.row(v.id(), v.id() == quorum.leaderId() ? "leader" : "voter",
                    v.logEndOffset(), quorum.lag(v), ago(v.lastFetchTimestampMs(), nowMs),
                    ago(v.lastCaughtUpTimestampMs(), nowMs)));
            quorum.observers().forEach(v -> voters.row(v.id(), "observer", v.logEndOffset(), quorum.lag(v),
                    ago(v.lastFetchTimestampMs(), nowMs), ago(v.lastCaughtUpTimestampMs(), nowMs)));
            voters.print(out, "  ");
        }

        private static void printPartitions(PrintWriter out, Map<String, TopicDescription> topics) {
            List<String[]> underReplicated = new ArrayList<>();
            List<String[]> offline = new ArrayList<>();
            topics.forEach((name, t) -> t.partitions().forEach(p -> {
                String[] row = {name, Integer.toString(p.partition()), p.leader() < 0 ? "none" : "" + p.leader(),
                        join(p.replicas()), join(p.isr())};
                if (p.leader() < 0) {
                    offline.add(row);
                } else if (p.isr().size() < p.replicas().size()) {
                    underReplicated.add(row);
                }
            }));
            partitions(out, "Under-replicated partitions", underReplicated);
            partitions(out, "Offline partitions", offline);
        }

        private static void partitions(PrintWriter out, String title, List<String[]> rows) {
            if (rows.isEmpty()) {
                out.printf("%n%s: none%n", title);
                return;
            }
            out.printf("%n%s: %d%n", title, rows.size());
            Table table = new Table("TOPIC", "PARTITION", "LEADER", "REPLICAS", "ISR");
            rows.forEach(r -> table.row((Object[]) r));
            table.print(out, "  ");
        }

        private static String ago(long timestampMs, long nowMs) {
            return timestampMs < 0 ? "-" : Math.max(0, nowMs - timestampMs) + " ms ago";
        }

        private static String join(List<Integer> ids) {
            return ids.stream().map(String::valueOf).collect(Collectors.joining(","));
        }
    }
}
