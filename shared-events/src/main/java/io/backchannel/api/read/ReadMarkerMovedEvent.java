package io.backchannel.api.read;

import org.axonframework.serialization.Revision;

import java.time.Instant;

@Revision("1")
public record ReadMarkerMovedEvent(String userId, String channelId, String teamId, long seq, Instant ts) {
}
