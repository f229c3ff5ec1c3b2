package io.backchannel.api.message;

import com.fasterxml.jackson.annotation.JsonTypeName;
import io.backchannel.api.channel.ChannelEvent;
import org.axonframework.serialization.Revision;

import java.time.Instant;

@Revision("1")
@JsonTypeName("message.posted")
public record MessagePostedEvent(String channelId, long seq, Instant ts, String messageId, String clientMsgId,
                                 String userId, String text, Long threadSeq) implements ChannelEvent {
}
