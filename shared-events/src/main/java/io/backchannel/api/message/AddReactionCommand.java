package io.backchannel.api.message;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** A member reacts to a message; reacting again with the same emoji changes nothing. */
public record AddReactionCommand(@TargetAggregateIdentifier String channelId, String userId, long messageSeq,
                                 String emoji) {
}
