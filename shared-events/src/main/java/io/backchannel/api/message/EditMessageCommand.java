package io.backchannel.api.message;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The author replaces a message's text. Answers the {@link MessageEditedEvent}. */
public record EditMessageCommand(@TargetAggregateIdentifier String channelId, String userId, long messageSeq,
                                 String text) {
}
