package io.backchannel.api.read;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Moves a user's read marker in a channel forwards to {@code seq}; a marker never moves back. */
public record MarkReadCommand(@TargetAggregateIdentifier String userId, String channelId, String teamId, long seq) {
}
