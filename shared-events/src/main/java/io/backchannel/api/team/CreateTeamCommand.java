package io.backchannel.api.team;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Creates a team with its creator as first member and a public {@code general} channel, whose {@code channel.created} is seq 0. */
public record CreateTeamCommand(@TargetAggregateIdentifier String teamId, String name, String userId,
                                String generalChannelId) {
}
