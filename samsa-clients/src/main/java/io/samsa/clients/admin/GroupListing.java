package io.samsa.clients.admin;

/**
 * One group as ListGroups reports it: its id, state ({@code Empty}, {@code Stable}, {@code PreparingRebalance},
 * {@code CompletingRebalance}; empty when the broker is too old to say) and protocol type ({@code consumer} for
 * consumer groups; empty for a group that only stores offsets).
 */
public record GroupListing(String groupId, String state, String protocolType) {
}
