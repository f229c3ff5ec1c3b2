package io.backchannel.api.team;

/** The teams a user belongs to. Answers {@link TeamIds}. */
public record FetchUserTeamsQuery(String userId) {
}
