package io.samsa.cli;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.apache.kafka.common.TopicPartition;

import io.samsa.clients.admin.GroupDescription;
import io.samsa.clients.admin.GroupListing;
import io.samsa.clients.admin.GroupOffset;
import io.samsa.clients.admin.OffsetChange;
import io.samsa.clients.admin.OffsetReset;
import io.samsa.clients.admin.SamsaAdmin;
import io.samsa.clients.admin.TopicDescription;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code samsa groups}: list, describe, reset the offsets of, and delete consumer groups. */
@Command(name = "groups", mixinStandardHelpOptions = true,
        description = "List, describe, reset the offsets of, and delete consumer groups.",
        subcommands = {GroupsCommand.ListGroups.class, GroupsCommand.Describe.class, GroupsCommand.ResetOffsets.class,
                GroupsCommand.Delete.class})
final class GroupsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "Missing subcommand: list, describe, reset-offsets or delete");
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List groups with their state and type.")
    static final class ListGroups implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions client;

        @Override
        public Integer call() {
            try (SamsaAdmin admin = client.admin()) {
                List<GroupListing> groups = admin.listGroups();
                if (groups.isEmpty()) {
                    return 0;
                }
                Table table = new Table("GROUP", "STATE", "PROTOCOL-TYPE");
                groups.forEach(g -> table.row(g.groupId(), dash(g.state()), dash(g.protocolType())));
                table.print(spec.commandLine().getOut(), "");
            }
            return 0;
        }
    }

    @Command(name = "describe", mixinStandardHelpOptions = true,
            description = {"Show a group's committed offsets, log end offsets and lag per partition, then its members.",
                    "A partition shows its consumer while it is assigned to one."})
    static final class Describe implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions client;
        @Parameters(paramLabel = "GROUP", arity = "1..*")
        List<String> groups;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (SamsaAdmin admin = client.admin()) {
                boolean first = true;
                for (String groupId : groups) {
                    GroupDescription group = admin.describeGroup(groupId);
                    List<GroupOffset> offsets = admin.listGroupOffsets(groupId);
                    if (!first) {
                        out.println();
                    }
                    first = false;
                    print(out, group, offsets);
                }
            }
            return 0;
        }

        private static void print(PrintWriter out, GroupDescription group, List<GroupOffset> offsets) {
            String protocol = group.protocolType().isEmpty() ? "-"
                    : group.protocolType() + (group.protocol().isEmpty() ? "" : "/" + group.protocol());
            out.printf("Group: %s\tState: %s\tProtocol: %s\tMembers: %d%n", group.groupId(), group.state(), protocol,
                    group.members().size());
            out.println();
            Map<TopicPartition, GroupDescription.Member> owners = group.members().stream()
                    .flatMap(m -> m.assignment().stream().map(tp -> Map.entry(tp, m)))
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a));
            if (offsets.isEmpty()) {
                out.println("No committed offsets and no assigned partitions.");
            } else {
                Table table = new Table("TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG", "CONSUMER-ID",
                        "HOST", "CLIENT-ID");
                for (GroupOffset o : offsets) {
                    GroupDescription.Member m = owners.get(o.partition());
                    table.row(o.partition().topic(), o.partition().partition(), number(o.committedOffset()),
                            number(o.logEndOffset()), number(o.lag()), m == null ? "-" : m.memberId(),
                            m == null ? "-" : m.host(), m == null ? "-" : m.clientId());
                }
                table.print(out, "");
            }
            out.println();
            if (group.members().isEmpty()) {
                out.println("Group '" + group.groupId() + "' has no active members.");
            } else {
                Table members = new Table("CONSUMER-ID", "HOST", "CLIENT-ID", "#PARTITIONS", "ASSIGNMENT");
                for (GroupDescription.Member m : group.members()) {
                    members.row(m.memberId(), m.host(), m.clientId(), m.assignment().size(),
                            m.assignment().isEmpty() ? "-" : assignment(m.assignment()));
                }
                members.print(out, "");
            }
            out.flush();
        }

        /** "orders:0,1 payments:2" */
        private static String assignment(List<TopicPartition> partitions) {
            Map<String, String> byTopic = partitions.stream().collect(Collectors.groupingBy(TopicPartition::topic,
                    java.util.TreeMap::new,
                    Collectors.mapping(tp -> String.valueOf(tp.partition()), Collectors.joining(","))));
            return byTopic.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue())
                    .collect(Collectors.joining(" "));
        }
    }

    @Command(name = "reset-offsets", mixinStandardHelpOptions = true,
            description = {"Move a group's committed offsets; the group must have no active members.",
                    "Without --execute this is a dry run that prints the plan and changes nothing.",
                    "Targets outside a partition's log are clamped to its start or end."})
    static final class ResetOffsets implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions client;
        @Parameters(paramLabel = "GROUP")
        String groupId;
        @Option(names = {"-t", "--topic"}, paramLabel = "TOPIC[:P,P...]",
                description = "A topic (all its partitions, or those listed); repeatable.")
        List<String> topics = new ArrayList<>();
        @Option(names = "--all-topics", description = "Every partition the group has committed an offset for.")
        boolean allTopics;
        @ArgGroup(exclusive = true, multiplicity = "1")
        Target target;
        @ArgGroup(exclusive = true, multiplicity = "0..1")
        Mode mode = new Mode();

        static final class Target {
            @Option(names = "--to-earliest", required = true, description = "The oldest record still in the log.")
            boolean earliest;
            @Option(names = "--to-latest", required = true, description = "The log end: skip every record there is.")
            boolean latest;
            @Option(names = "--to-offset", required = true, paramLabel = "N", description = "Offset N.")
            Long offset;
            @Option(names = "--to-datetime", required = true, paramLabel = "ISO",
                    description = "The first record at or after this time: 2024-05-01T12:00:00Z, "
                            + "2024-05-01T12:00:00+02:00, 2024-05-01T12:00:00 (local time), 2024-05-01 (local "
                            + "midnight) or epoch milliseconds.")
            String datetime;
            @Option(names = "--shift-by", required = true, paramLabel = "N",
                    description = "The committed offset plus N (negative: back).")
            Long shift;

            OffsetReset reset() {
                if (earliest) {
                    return OffsetReset.toEarliest();
                }
                if (latest) {
                    return OffsetReset.toLatest();
                }
                if (offset != null) {
                    if (offset < 0) {
                        throw new UserException("--to-offset must be a non-negative offset, not " + offset);
                    }
                    return OffsetReset.toOffset(offset);
                }
                if (datetime != null) {
                    return OffsetReset.toTimestamp(epochMillis(datetime));
                }
                return OffsetReset.shiftBy(shift);
            }
        }

        static final class Mode {
            @Option(names = "--dry-run", required = true, description = "Print the plan only (the default).")
            boolean dryRun;
            @Option(names = "--execute", required = true, description = "Apply the new offsets.")
            boolean execute;
        }

        @Override
        public Integer call() {
            if (topics.isEmpty() == !allTopics) {
                throw new UserException("Give the partitions to reset: --topic TOPIC (repeatable) or --all-topics");
            }
            OffsetReset to = target.reset();
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try (SamsaAdmin admin = client.admin()) {
                List<TopicPartition> partitions = allTopics
                        ? admin.listGroupOffsets(groupId).stream().filter(o -> o.committedOffset() >= 0)
                                .map(GroupOffset::partition).toList()
                        : partitions(admin);
                List<OffsetChange> plan;
                try {
                    plan = admin.resetGroupOffsets(groupId, partitions, to, mode.execute);
                } catch (IllegalArgumentException e) {
                    throw new UserException(e.getMessage());
                }
                Table table = new Table("GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "NEW-OFFSET");
                plan.forEach(c -> table.row(groupId, c.partition().topic(), c.partition().partition(),
                        number(c.currentOffset()), c.newOffset()));
                table.print(out, "");
                err.println(mode.execute
                        ? "Reset the offsets of group " + groupId + " in " + plan.size() + " partition"
                                + (plan.size() == 1 ? "" : "s") + "."
                        : "Dry run: no offsets changed. Add --execute to apply.");
                err.flush();
            }
            return 0;
        }

        /** The --topic arguments as partitions: TOPIC means all of them, TOPIC:0,2 those listed. */
        private List<TopicPartition> partitions(SamsaAdmin admin) {
            Set<TopicPartition> out = new LinkedHashSet<>();
            for (String arg : topics) {
                int colon = arg.lastIndexOf(':');
                String topic = colon < 0 ? arg : arg.substring(0, colon);
                TopicDescription d = admin.describeTopic(topic);
                if (colon < 0) {
                    d.partitions().forEach(p -> out.add(new TopicPartition(topic, p.partition())));
                    continue;
                }
                for (String p : arg.substring(colon + 1).split(",")) {
                    int partition;
                    try {
                        partition = Integer.parseInt(p.trim());
                    } catch (NumberFormatException e) {
                        throw new UserException("--topic " + arg + ": '" + p + "' is not a partition number");
                    }
                    if (partition < 0 || partition >= d.partitions().size()) {
                        throw new UserException("Topic '" + topic + "' has partitions 0.." + (d.partitions().size() - 1)
                                + "; there is no partition " + partition);
                    }
                    out.add(new TopicPartition(topic, partition));
                }
            }
            return new ArrayList<>(out);
        }

        static long epochMillis(String text) {
            List<Function<String, Instant>> formats = List.of(
                    s -> OffsetDateTime.parse(s).toInstant(),
                    s -> LocalDateTime.parse(s).atZone(ZoneId.systemDefault()).toInstant(),
                    s -> LocalDate.parse(s).atStartOfDay(ZoneId.systemDefault()).toInstant(),
                    s -> Instant.ofEpochMilli(Long.parseLong(s)));
            for (Function<String, Instant> format : formats) {
                try {
                    return format.apply(text.trim()).toEpochMilli();
                } catch (DateTimeParseException | NumberFormatException e) {
                    // try the next
                }
            }
            throw new UserException("--to-datetime: cannot read '" + text + "' as a time (e.g. 2024-05-01T12:00:00Z, "
                    + "2024-05-01T12:00:00+02:00, 2024-05-01T12:00:00, 2024-05-01 or epoch milliseconds)");
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete groups and their committed offsets (only groups with no active members).")
    static final class Delete implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions client;
        @Parameters(paramLabel = "GROUP", arity = "1..*")
        List<String> groups;

        @Override
        public Integer call() {
            try (SamsaAdmin admin = client.admin()) {
                for (String groupId : groups) {
                    admin.deleteGroup(groupId);
                    spec.commandLine().getOut().println("Deleted group " + groupId + ".");
                }
            }
            return 0;
        }
    }

    private static String number(long n) {
        return n < 0 ? "-" : String.valueOf(n);
    }

    private static String dash(String s) {
        return s == null || s.isEmpty() ? "-" : s;
    }
}
