package io.backchannel.api.team;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** A user joins a team, and with it the team's {@code general} channel. Idempotent. */
public record JoinTeamCommand(@TargetAggregateIdentifier String teamId, String userId) {
}
