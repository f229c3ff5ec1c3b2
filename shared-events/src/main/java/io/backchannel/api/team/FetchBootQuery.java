package io.backchannel.api.team;

/**
 * Builds a boot snapshot from the projections, on every call: the rtm.start way, kept as the oracle the
 * cache is checked against and the baseline it is measured against. Answers a {@link BootView}
 * ({@code self} and {@code version} left for the caller), or null for an unknown team.
 */
public record FetchBootQuery(String teamId, String userId) {
}
