package io.backchannel.api.channel;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonTypeName;
import org.axonframework.serialization.Revision;

import java.time.Instant;

@Revision("1")
@JsonTypeName("channel.created")
public record ChannelCreatedEvent(String channelId, long seq, Instant ts, String teamId, String name,
                                  @JsonProperty("private") boolean isPrivate, String userId) implements ChannelEvent {
}
