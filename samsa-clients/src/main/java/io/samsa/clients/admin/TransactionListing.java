package io.samsa.clients.admin;

/**
 * One transactional id as ListTransactions reports it: the broker that coordinates it, the producer id it holds and
 * its state as Kafka names it ({@code Empty}, {@code Ongoing}, {@code PrepareCommit}, {@code CompleteCommit}, ...).
 */
public record TransactionListing(String transactionalId, int coordinatorId, long producerId, String state) {
}
