package io.backchannel.api.team;

import org.axonframework.serialization.Revision;

import java.time.Instant;

@Revision("1")
public record TeamCreatedEvent(String teamId, String name, String userId, String generalChannelId, Instant ts) {
}
