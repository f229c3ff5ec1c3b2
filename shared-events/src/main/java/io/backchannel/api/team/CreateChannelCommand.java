package io.backchannel.api.team;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Routed to the team, which owns the set of channel names and so can keep them unique. */
public record CreateChannelCommand(@TargetAggregateIdentifier String teamId, String channelId, String name,
                                   boolean isPrivate, String userId) {
}
