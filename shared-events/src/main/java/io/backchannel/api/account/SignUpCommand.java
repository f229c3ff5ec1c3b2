package io.backchannel.api.account;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Claims a username. The account is keyed by the username, so the event store itself refuses a second claim. */
public record SignUpCommand(@TargetAggregateIdentifier String username, String userId, String displayName) {
}
