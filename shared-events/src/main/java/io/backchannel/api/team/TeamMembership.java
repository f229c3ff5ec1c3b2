package io.backchannel.api.team;

/** The answer to a team join: which channel the member was placed in, and the seq of that join. */
public record TeamMembership(String teamId, String userId, String generalChannelId, long generalJoinSeq) {
}
