package io.samsa.clients.admin;

import org.apache.kafka.common.TopicPartition;

/**
 * A group's position in one partition: the committed offset (-1 when none is committed yet) and the
 * partition's log end offset (-1 when its leader could not say, or the topic is gone).
 */
public record GroupOffset(TopicPartition partition, long committedOffset, long logEndOffset) {

    /** Records the group has yet to consume, or -1 when unknown (nothing committed, or no log end offset). */
    public long lag() {
        return committedOffset < 0 || logEndOffset < 0 ? -1 : Math.max(0, logEndOffset - committedOffset);
    }
}
