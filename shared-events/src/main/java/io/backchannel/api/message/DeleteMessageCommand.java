package io.backchannel.api.message;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The author deletes a message; it keeps its seq, with no text. Deleting it again changes nothing. */
public record DeleteMessageCommand(@TargetAggregateIdentifier String channelId, String userId, long messageSeq) {
}
