package io.backchannel.api.channel;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Puts {@code userId} into the channel. {@code requestedBy} is the caller: the user themselves for a
 * self-join of a public channel, or a channel member adding someone. {@code teamId} is the team the
 * caller believes the channel is in; the team is checked first so locks are always taken team, then channel.
 * Answers the seq of the member's {@code member.joined} event (the existing one when already a member).
 */
public record JoinChannelCommand(@TargetAggregateIdentifier String channelId, String teamId, String userId,
                                 String requestedBy) {
}
