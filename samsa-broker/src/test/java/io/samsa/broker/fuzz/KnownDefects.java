package io.samsa.broker.fuzz;

import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * Request shapes the fuzzer must not send yet because they hit issue-9 defects that other work fixes; each
 * names its defect. Remove an entry once its fix is merged. (Frame-level exclusions live where the frame is
 * made: see {@link FrameMutator}.) Stateless.
 */
final class KnownDefects {
    /** Partition counts above this are left out. */
    private static final int PARTITION_COUNT_LIMIT = 1000;

    private KnownDefects() {
    }

    /** The defect this request would hit, or null if it may be sent. */
    static String hit(ApiMessage body) {
        // TODO(issue 9 defect 5, partition counts bounded and checked before a topic is published): remove.
        if (body instanceof CreateTopicsRequestData r && r.topics().stream()
                .anyMatch(t -> t.numPartitions() > PARTITION_COUNT_LIMIT || t.assignments().size() > PARTITION_COUNT_LIMIT)) {
            return "topic creation with a huge partition count";
        }
        if (body instanceof CreatePartitionsRequestData r && r.topics().stream()
                .anyMatch(t -> t.count() > PARTITION_COUNT_LIMIT)) {
            return "partition count raised to a huge number";
        }
        return null;
    }
}
