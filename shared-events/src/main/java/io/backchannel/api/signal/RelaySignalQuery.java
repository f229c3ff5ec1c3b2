package io.backchannel.api.signal;

/**
 * Hands a signal to the relays; sent scatter-gather, so every relay node emits it to the gateways
 * whose {@link FollowSignalsQuery} it serves. Answers {@code Boolean.TRUE}.
 */
public record RelaySignalQuery(Signal signal) {
}
