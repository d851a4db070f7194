package io.samsa.log;

/** A record's timestamp, offset and the leader epoch of its batch, as ListOffsets answers them. Immutable. */
public record TimestampAndOffset(long timestamp, long offset, int leaderEpoch) {
}
