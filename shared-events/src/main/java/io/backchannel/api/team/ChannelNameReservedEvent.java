package io.backchannel.api.team;

import org.axonframework.serialization.Revision;

import java.time.Instant;

@Revision("1")
public record ChannelNameReservedEvent(String teamId, String channelId, String name, Instant ts) {
}
