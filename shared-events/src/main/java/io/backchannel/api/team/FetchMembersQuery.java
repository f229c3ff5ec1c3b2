package io.backchannel.api.team;

/** A page of a team's members, ordered by user id, after the cursor {@code after} (null: from the start). */
public record FetchMembersQuery(String teamId, String after, int limit) {
}
