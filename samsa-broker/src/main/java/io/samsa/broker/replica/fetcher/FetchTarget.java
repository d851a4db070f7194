package io.samsa.broker.replica.fetcher;

/**
 * What a follower partition fetches: from which leader, at which leader epoch (sent as currentLeaderEpoch, so a
 * leader of another epoch refuses), starting at {@code fetchOffset} (the follower's log end; every later fetch
 * goes on from the log end). Immutable.
 */
public record FetchTarget(int leaderId, int leaderEpoch, long fetchOffset) {
}
