package io.backchannel.api.message;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** A member takes back a reaction; taking back one that is not there changes nothing. */
public record RemoveReactionCommand(@TargetAggregateIdentifier String channelId, String userId, long messageSeq,
                                    String emoji) {
}
