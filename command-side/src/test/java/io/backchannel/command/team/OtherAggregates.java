package io.backchannel.command.team;

import org.axonframework.eventsourcing.EventSourcingRepository;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.Message;
import org.axonframework.modelling.command.Repository;
import org.axonframework.modelling.command.RepositoryProvider;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The aggregates a team creates or touches besides itself (its channels), event-sourced in a store of their own,
 * so a test can read a channel's own stream after the team's command.
 */
final class OtherAggregates {

    private OtherAggregates() {
    }

    /** Gives every aggregate type asked for an event-sourced repository on {@code store}. */
    static RepositoryProvider eventSourcedIn(EventStore store) {
        Map<Class<?>, Repository<?>> repositories = new HashMap<>();
        return new RepositoryProvider() {
            @Override
            @SuppressWarnings("unchecked")
            public <R> Repository<R> repositoryFor(Class<R> aggregateType) {
                return (Repository<R>) repositories.computeIfAbsent(aggregateType,
                        type -> EventSourcingRepository.builder(aggregateType).eventStore(store).build());
            }
        };
    }

    /** The payloads of one aggregate's stream in {@code store}, in sequence order. */
    static List<Object> payloadsOf(EventStore store, String aggregateId) {
        return store.readEvents(aggregateId).asStream().map(Message::getPayload).map(Object.class::cast).toList();
    }
}
