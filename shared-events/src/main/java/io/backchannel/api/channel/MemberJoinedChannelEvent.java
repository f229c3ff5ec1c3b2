package io.backchannel.api.channel;

import com.fasterxml.jackson.annotation.JsonTypeName;
import org.axonframework.serialization.Revision;

import java.time.Instant;

@Revision("1")
@JsonTypeName("member.joined")
public record MemberJoinedChannelEvent(String channelId, long seq, Instant ts, String userId) implements ChannelEvent {
}
