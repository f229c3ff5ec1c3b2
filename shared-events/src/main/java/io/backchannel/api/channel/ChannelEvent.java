package io.backchannel.api.channel;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;
import io.backchannel.api.message.MessageDeletedEvent;
import io.backchannel.api.message.MessageEditedEvent;
import io.backchannel.api.message.MessagePostedEvent;
import io.backchannel.api.message.ReactionAddedEvent;
import io.backchannel.api.message.ReactionRemovedEvent;

import java.time.Instant;

/**
 * An entry in a channel's log. {@code seq} is the Channel aggregate's event sequence number, so the
 * log is gapless from 0. The JSON form of every implementation is exactly the event JSON of API.md,
 * used unchanged in the event store, the projections, SSE, WebSocket and the events endpoint.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(ChannelCreatedEvent.class),
        @JsonSubTypes.Type(MemberJoinedChannelEvent.class),
        @JsonSubTypes.Type(MemberLeftChannelEvent.class),
        @JsonSubTypes.Type(MessagePostedEvent.class),
        @JsonSubTypes.Type(MessageEditedEvent.class),
        @JsonSubTypes.Type(MessageDeletedEvent.class),
        @JsonSubTypes.Type(ReactionAddedEvent.class),
        @JsonSubTypes.Type(ReactionRemovedEvent.class)
})
public interface ChannelEvent {

    String channelId();

    long seq();

    Instant ts();

    /** The API type name, such as {@code message.posted}. */
    @JsonIgnore
    default String type() {
        return getClass().getAnnotation(JsonTypeName.class).value();
    }
}
