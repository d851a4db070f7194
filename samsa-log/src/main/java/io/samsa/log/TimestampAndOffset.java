package io.samsa.log;

/** A record's timestamp and offset, as ListOffsets answers them. */
public record TimestampAndOffset(long timestamp, long offset, int leaderEpoch) {
}
