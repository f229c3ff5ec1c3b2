package io.backchannel.api.message;

import com.fasterxml.jackson.annotation.JsonTypeName;
import io.backchannel.api.channel.ChannelEvent;
import org.axonframework.serialization.Revision;

import java.time.Instant;

@Revision("1")
@JsonTypeName("reaction.added")
public record ReactionAddedEvent(String channelId, long seq, Instant ts, long messageSeq, String userId, String emoji) implements ChannelEvent {
}
