package io.backchannel.api.signal;

/** A gateway node's one subscription to every signal; initial answer {@code Boolean.TRUE}, updates {@link Signal}s. */
public record FollowSignalsQuery(String nodeId) {
}
