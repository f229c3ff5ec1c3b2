package io.backchannel.api.team;

import org.axonframework.serialization.Revision;

import java.time.Instant;

@Revision("1")
public record MemberJoinedTeamEvent(String teamId, String userId, Instant ts) {
}
