package io.samsa.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import org.apache.kafka.common.TopicPartition;

import io.samsa.clients.admin.ProducerState;
import io.samsa.clients.admin.SamsaAdmin;
import io.samsa.clients.admin.TransactionDescription;
import io.samsa.clients.admin.TransactionListing;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code samsa transactions}: list transactional ids, describe one, and show the producers a partition holds state
 * for — the columns and "None" of Kafka's {@code kafka-transactions.sh}. Runs on the picocli calling thread.
 */
@Command(name = "transactions", mixinStandardHelpOptions = true,
        description = "List and describe transactions; show a partition's producers.",
        subcommands = {TransactionsCommand.ListTransactions.class, TransactionsCommand.Describe.class,
                TransactionsCommand.DescribeProducers.class})
final class TransactionsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "Missing subcommand: list, describe or describe-producers");
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List transactional ids with their coordinator, producer id and state.")
    static final class ListTransactions implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions client;
        @Option(names = "--state", paramLabel = "STATE",
                description = "Only ids in this state (Ongoing, CompleteCommit, ...); repeatable.")
        List<String> states = new ArrayList<>();
        @Option(names = "--producer-id", paramLabel = "ID", description = "Only ids held by this producer; repeatable.")
        List<Long> producerIds = new ArrayList<>();

        @Override
        public Integer call() {
            try (SamsaAdmin admin = client.admin()) {
                List<TransactionListing> listed;
                try {
                    listed = admin.listTransactions(states, producerIds);
                } catch (IllegalArgumentException e) {
                    throw new UserException(e.getMessage());
                }
                Table table = new Table("TransactionalId", "Coordinator", "ProducerId", "TransactionState");
                listed.forEach(t -> table.row(t.transactionalId(), t.coordinatorId(), t.producerId(), t.state()));
                table.print(spec.commandLine().getOut(), "");
            }
            return 0;
        }
    }

    @Command(name = "describe", mixinStandardHelpOptions = true,
            description = {"Describe a transactional id: its producer, state, timeout, the open transaction's start "
                    + "and duration, and the partitions it has written to."})
    static final class Describe implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions client;
        @Option(names = "--transactional-id", required = true, paramLabel = "ID", description = "The id to describe.")
        String transactionalId;

        @Override
        public Integer call() {
            try (SamsaAdmin admin = client.admin()) {
                TransactionDescription d = admin.describeTransaction(transactionalId);
                // As Kafka's tool: the duration so far of the open transaction, by this machine's clock.
                long start = d.startTimeMs();
                Table table = new Table("CoordinatorId", "TransactionalId", "ProducerId", "ProducerEpoch",
                        "TransactionState", "TransactionTimeoutMs", "CurrentTransactionStartTimeMs",
                        "TransactionDurationMs", "TopicPartitions");
                table.row(d.coordinatorId(), d.transactionalId(), d.producerId(), d.producerEpoch(), d.state(),
                        d.timeoutMs(), start < 0 ? "None" : start,
                        start < 0 ? "None" : System.currentTimeMillis() - start, partitions(d.partitions()));
                table.print(spec.commandLine().getOut(), "");
            }
            return 0;
        }

        /** "orders-0,orders-1", or "None" when the id has written to no partition. */
        private static String partitions(List<TopicPartition> partitions) {
            return partitions.isEmpty() ? "None"
                    : partitions.stream().map(TopicPartition::toString).collect(Collectors.joining(","));
        }
    }

    @Command(name = "describe-producers", mixinStandardHelpOptions = true,
            description = {"Show the producers a partition's leader holds state for: epoch, last sequence and "
                    + "timestamp, and the first offset of each one's open transaction."})
    static final class DescribeProducers implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions client;
        @Option(names = "--topic", required = true, paramLabel = "TOPIC", description = "The topic.")
        String topic;
        @Option(names = "--partition", required = true, paramLabel = "P", description = "The partition.")
        int partition;

        @Override
        public Integer call() {
            if (partition < 0) {
                throw new UserException("--partition must be a partition number, not " + partition);
            }
            try (SamsaAdmin admin = client.admin()) {
                List<ProducerState> producers = admin.describeProducers(topic, partition);
                Table table = new Table("ProducerId", "ProducerEpoch", "LatestCoordinatorEpoch", "LastSequence",
                        "LastTimestamp", "CurrentTransactionStartOffset");
                producers.forEach(p -> table.row(p.producerId(), p.producerEpoch(), none(p.coordinatorEpoch()),
                        p.lastSequence(), p.lastTimestamp(), none(p.currentTransactionStartOffset())));
                table.print(spec.commandLine().getOut(), "");
            }
            return 0;
        }
    }

    /** Kafka's tool prints an absent value (-1 on the wire) as "None". */
    private static String none(long n) {
        return n < 0 ? "None" : String.valueOf(n);
    }
}
