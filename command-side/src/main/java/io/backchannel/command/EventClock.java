package io.backchannel.command;

import org.axonframework.eventhandling.GenericEventMessage;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** The time aggregates stamp on their events: Axon's clock (so fixtures control it), to the millisecond. */
public final class EventClock {

    private EventClock() {
    }

    /** Millisecond precision, so the ts a retry is answered with equals the stored one to the digit. */
    public static Instant now() {
        return GenericEventMessage.clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
