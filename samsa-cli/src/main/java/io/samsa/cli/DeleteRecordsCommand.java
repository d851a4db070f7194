package io.samsa.cli;

import java.util.concurrent.Callable;

import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.PolicyViolationException;

import io.samsa.clients.admin.SamsaAdmin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code samsa topics delete-records}: Kafka's DeleteRecords for one partition (what {@code kafka-delete-records}
 * does): the records before an offset go for good, and consumers start from there.
 */
@Command(name = "delete-records", mixinStandardHelpOptions = true,
        description = "Delete a partition's records before an offset (its log start moves there; whole segments "
                + "below it are removed).")
final class DeleteRecordsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ClientOptions client;
    @Parameters(paramLabel = "TOPIC")
    String topic;
    @Option(names = {"-p", "--partition"}, paramLabel = "N", required = true, description = "The partition.")
    int partition;
    @Option(names = "--before", paramLabel = "OFFSET", required = true,
            description = "Delete every record below this offset; -1 deletes every committed record.")
    long before;

    @Override
    public Integer call() {
        if (partition < 0) {
            throw new UserException("--partition must be 0 or more, not " + partition);
        }
        if (before < -1) {
            throw new UserException("--before must be an offset (0 or more) or -1, not " + before);
        }
        long logStart;
        try (SamsaAdmin admin = client.admin()) {
            logStart = admin.deleteRecords(topic, partition, before);
        } catch (OffsetOutOfRangeException e) {
            throw new UserException("Cannot delete records of " + topic + "-" + partition + " before offset " + before
                    + ": it is past the partition's last committed offset (see samsa topics describe " + topic + ")");
        } catch (PolicyViolationException e) {
            throw new UserException("Cannot delete records of " + topic + "-" + partition + ": its cleanup.policy "
                    + "does not include delete (a compacted topic)");
        }
        spec.commandLine().getOut().printf("Deleted the records of %s-%d before offset %d: its log start is now %d.%n",
                topic, partition, logStart, logStart);
        return 0;
    }
}
