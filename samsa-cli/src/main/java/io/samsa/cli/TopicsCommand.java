package io.samsa.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import org.apache.kafka.common.errors.TopicExistsException;

import io.samsa.clients.admin.ConfigEntry;
import io.samsa.clients.admin.SamsaAdmin;
import io.samsa.clients.admin.TopicDescription;
import io.samsa.clients.admin.TopicSpec;
import io.samsa.clients.admin.UnknownTopicException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code samsa topics}: create, list, describe, delete topics, add partitions, change their configs and delete a
 * partition's records before an offset.
 */
@Command(name = "topics", mixinStandardHelpOptions = true,
        description = "Create, list, describe and delete topics; add partitions; change their configs; delete records.",
        subcommands = {TopicsCommand.Create.class, TopicsCommand.ListTopics.class, TopicsCommand.Describe.class,
                TopicsCommand.Delete.class, TopicsCommand.AlterPartitions.class, TopicsCommand.AlterConfig.class,
                DeleteRecordsCommand.class})
final class TopicsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "Missing subcommand: create, list, describe, delete, alter-partitions, alter-config or delete-records");
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a topic.")
    static final class Create implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions client;
        @Parameters(paramLabel = "TOPIC")
        String topic;
        @Option(names = {"-p", "--partitions"}, paramLabel = "N",
                description = "Number of partitions (default: the broker's num.partitions).")
        Integer partitions;
        @Option(names = {"-r", "--replication-factor"}, paramLabel = "N",
                description = "Replicas per partition (default: the broker's default.replication.factor).")
        Short replicationFactor;
        @Option(names = {"-c", "--config"}, paramLabel = "KEY=VALUE",
                description = "A topic config by Kafka's name (retention.ms, segment.bytes, ...); repeatable.")
        Map<String, String> configs = new LinkedHashMap<>();
        @Option(names = "--if-not-exists", description = "Succeed quietly if the topic exists already.")
        boolean ifNotExists;

        @Override
        public Integer call() {
            if (partitions != null && partitions < 1) {
                throw new UserException("--partitions must be at least 1, not " + partitions);
            }
            if (replicationFactor != null && replicationFactor < 1) {
                throw new UserException("--replication-factor must be at least 1, not " + replicationFactor);
            }
            PrintWriter out = spec.commandLine().getOut();
            try (SamsaAdmin admin = client.admin()) {
                try {
                    admin.createTopic(new TopicSpec(topic, partitions == null ? -1 : partitions,
                            replicationFactor == null ? -1 : replicationFactor, configs));
                } catch (TopicExistsException e) {
                    if (ifNotExists) {
                        return 0;
                    }
                    throw new UserException("Topic '" + topic + "' already exists");
                }
                TopicDescription d = admin.describeTopic(topic);
                out.printf("Created topic %s with %d partition%s, replication factor %d.%n", topic,
                        d.partitions().size(), d.partitions().size() == 1 ? "" : "s", replicationFactor(d));
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List topic names, one per line.")
    static final class ListTopics implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions client;

        @Override
        public Integer call() {
            try (SamsaAdmin admin = client.admin()) {
                admin.listTopics().forEach(spec.commandLine().getOut()::println);
            }
            return 0;
        }
    }

    @Command(name = "describe", mixinStandardHelpOptions = true,
            description = "Show topics: partitions, leader, replicas, ISR, log start and end offsets, configs.")
    static final class Describe implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions client;
        @Parameters(paramLabel = "TOPIC", arity = "0..*", description = "Topics to describe (default: all).")
        List<String> topics = new ArrayList<>();

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (SamsaAdmin admin = client.admin()) {
                List<String> names = topics.isEmpty() ? new ArrayList<>(admin.listTopics()) : topics;
                boolean first = true;
                for (TopicDescription d : admin.describeTopics(names).values()) {
                    if (!first) {
                        out.println();
                    }
                    first = false;
                    String overrides = admin.describeConfigs(d.name()).stream().filter(ConfigEntry::isOverride)
                            .map(c -> c.name() + "=" + c.value()).collect(Collectors.joining(","));
                    out.printf("Topic: %s\tTopicId: %s\tPartitionCount: %d\tReplicationFactor: %d\tConfigs: %s%n",
                            d.name(), d.id(), d.partitions().size(), replicationFactor(d), overrides);
                    Table table = new Table("PARTITION", "LEADER", "REPLICAS", "ISR", "LOG-START", "LOG-END", "RECORDS");
                    for (TopicDescription.Partition p : d.partitions()) {
                        table.row(p.partition(), p.leader() < 0 ? "none" : p.leader(), join(p.replicas()),
                                join(p.isr()), p.logStartOffset(), p.logEndOffset(), p.records());
                    }
                    table.print(out, "  ");
                }
            }
            return 0;
        }

        private static String join(List<Integer> ids) {
            return ids.stream().map(String::valueOf).collect(Collectors.joining(","));
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete topics and their data.")
    static final class Delete implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions client;
        @Parameters(paramLabel = "TOPIC", arity = "1..*")
        List<String> topics;
        @Option(names = "--if-exists", description = "Succeed quietly for topics that do not exist.")
        boolean ifExists;

        @Override
        public Integer call() {
            try (SamsaAdmin admin = client.admin()) {
                for (String topic : topics) {
                    try {
                        admin.deleteTopics(List.of(topic));
                        spec.commandLine().getOut().println("Deleted topic " + topic + ".");
                    } catch (UnknownTopicException e) {
                        if (!ifExists) {
                            throw e;
                        }
                    }
                }
            }
            return 0;
        }
    }

    @Command(name = "alter-partitions", mixinStandardHelpOptions = true,
            description = "Grow a topic to more partitions (existing keys may then map to other partitions).")
    static final class AlterPartitions implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions client;
        @Parameters(paramLabel = "TOPIC")
        String topic;
        @Option(names = {"-p", "--partitions"}, paramLabel = "N", required = true,
                description = "The new total number of partitions.")
        int partitions;

        @Override
        public Integer call() {
            try (SamsaAdmin admin = client.admin()) {
                int now = admin.describeTopic(topic).partitions().size();
                if (partitions <= now) {
                    throw new UserException("Topic '" + topic + "' has " + now + " partitions; --partitions must be "
                            + "more than that (partitions can be added, never removed)");
                }
                admin.createPartitions(topic, partitions);
                spec.commandLine().getOut().printf("Topic %s now has %d partitions (was %d).%n", topic, partitions, now);
            }
            return 0;
        }
    }

    @Command(name = "alter-config", mixinStandardHelpOptions = true,
            description = "Set or remove topic configs; in force on the topic's logs at once.")
    static final class AlterConfig implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions client;
        @Parameters(paramLabel = "TOPIC")
        String topic;
        @Option(names = "--set", paramLabel = "KEY=VALUE",
                description = "A topic config by Kafka's name (retention.ms, cleanup.policy, ...); repeatable.")
        Map<String, String> set = new LinkedHashMap<>();
        @Option(names = "--delete", paramLabel = "KEY",
                description = "A topic config to remove (back to the broker's default); repeatable.")
        List<String> delete = new ArrayList<>();

        @Override
        public Integer call() {
            if (set.isEmpty() && delete.isEmpty()) {
                throw new UserException("Nothing to change: give --set KEY=VALUE or --delete KEY");
            }
            for (String key : delete) {
                if (set.containsKey(key)) {
                    throw new UserException("'" + key + "' is both set and deleted; give it once");
                }
            }
            try (SamsaAdmin admin = client.admin()) {
                admin.alterConfigs(topic, set, delete);
            }
            List<String> changes = new ArrayList<>();
            set.forEach((k, v) -> changes.add(k + "=" + v));
            delete.forEach(k -> changes.add(k + " removed"));
            spec.commandLine().getOut().printf("Updated topic %s: %s.%n", topic, String.join(", ", changes));
            return 0;
        }
    }

    static int replicationFactor(TopicDescription d) {
        return d.partitions().isEmpty() ? 0 : d.partitions().get(0).replicas().size();
    }
}
