package io.backchannel.api.team;

/**
 * A subscription query for a team's metadata: the initial answer is a {@link TeamDirectory} (null for
 * an unknown team) and every update a {@link TeamUpdate}, emitted once the projections show it.
 */
public record FollowTeamQuery(String teamId) {
}
