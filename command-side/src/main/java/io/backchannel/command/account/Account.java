package io.backchannel.command.account;

import io.backchannel.api.Rejection;
import io.backchannel.api.account.AccountCreatedEvent;
import io.backchannel.api.account.SignUpCommand;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.CreationPolicy;
import org.axonframework.spring.stereotype.Aggregate;


import static io.backchannel.api.Limits.requireDisplayName;
import static io.backchannel.api.Limits.requireUsername;
import static io.backchannel.command.EventClock.now;
import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/**
 * A claimed username. Keyed by the username, so signups for one name are serialised on one aggregate
 * (on one node, since commands are routed by that key): the second finds the name taken. The event
 * store's unique stream key backs that up, with no lookup table to keep in step.
 */
@Aggregate(commandTargetResolver = "commandTargets")
class Account {

    @AggregateIdentifier
    private String username;
    private String userId;

    Account() {
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    void handle(SignUpCommand command) {
        if (userId != null) {
            throw Rejection.conflict("username '" + command.username() + "' is already taken").exception();
        }
        requireUsername(command.username());
        requireDisplayName(command.displayName());
        apply(new AccountCreatedEvent(command.username(), command.userId(), command.displayName(),
                now()));
    }

    @EventSourcingHandler
    void on(AccountCreatedEvent event) {
        this.username = event.username();
        this.userId = event.userId();
    }
}
