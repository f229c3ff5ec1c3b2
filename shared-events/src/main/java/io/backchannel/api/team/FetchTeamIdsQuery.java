package io.backchannel.api.team;

/** Every team's id, for warming a boot cache at start-up. Answers {@link TeamIds}. */
public record FetchTeamIdsQuery() {
}
