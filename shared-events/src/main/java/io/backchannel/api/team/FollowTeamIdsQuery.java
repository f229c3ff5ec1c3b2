package io.backchannel.api.team;

/**
 * A subscription query for every team's id, so a boot cache holds every team: the initial answer is a
 * {@link TeamIds} of the teams there are, and every update a {@link TeamIds} of one team created since,
 * emitted once the projections show it.
 */
public record FollowTeamIdsQuery() {
}
