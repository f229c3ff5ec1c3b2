package io.backchannel.query.config;

import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.Message;
import org.axonframework.messaging.correlation.CorrelationDataProvider;
import org.axonframework.messaging.correlation.MessageOriginProvider;

import java.util.Map;

/**
 * Axon's {@link MessageOriginProvider} for commands and queries, so the events a command causes still carry
 * its correlation and trace ids; nothing for events. Nothing here handles an event by sending a message that
 * is read (no sagas: the projections only write and emit updates), while taking an event's origin means
 * deserialising its stored metadata, and Axon asks again for every message built while the event is handled.
 * That was a tenth of the projections' thread.
 */
public final class RequestOriginProvider implements CorrelationDataProvider {

    private final MessageOriginProvider origin = new MessageOriginProvider();

    @Override
    public Map<String, ?> correlationDataFor(Message<?> message) {
        return message instanceof EventMessage<?> ? Map.of() : origin.correlationDataFor(message);
    }
}
