package io.backchannel.api.message;

import com.fasterxml.jackson.annotation.JsonTypeName;
import io.backchannel.api.channel.ChannelEvent;
import org.axonframework.serialization.Revision;

import java.time.Instant;

@Revision("1")
@JsonTypeName("message.deleted")
public record MessageDeletedEvent(String channelId, long seq, Instant ts, long messageSeq, String userId) implements ChannelEvent {
}
