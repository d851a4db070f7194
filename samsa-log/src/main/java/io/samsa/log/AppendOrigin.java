package io.samsa.log;

/**
 * Who appends as leader, as Kafka's {@code AppendOrigin}: a client's Produce has its producer's sequence numbers
 * checked (duplicates answered with their first offsets, gaps refused); a coordinator's own write to its internal
 * topic (the group coordinator's transactional offsets, whose batches carry a producer id and epoch but no
 * sequence) has only its producer epoch checked, so a fenced producer's offsets are still refused.
 */
public enum AppendOrigin {
    CLIENT,
    COORDINATOR
}
