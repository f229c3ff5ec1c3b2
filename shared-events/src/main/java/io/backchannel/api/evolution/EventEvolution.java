package io.backchannel.api.evolution;

import org.axonframework.serialization.upcasting.event.EventUpcaster;
import org.axonframework.serialization.upcasting.event.EventUpcasterChain;

import java.util.List;

/**
 * Every upcaster, in the order they must run. Each application that reads events (the command side for its
 * aggregates, the query side for its projections) registers {@link #upcasters()} as Spring beans; Axon's
 * auto-configuration puts every {@code EventUpcaster} bean into the chain of its event store.
 *
 * <p>To change an event: bump its {@code @Revision}, add a {@code SingleEventUpcaster} from the old revision
 * to the new one here, and test it with the old serialized form. Events already stored are never rewritten.
 */
public final class EventEvolution {

    private EventEvolution() {
    }

    public static List<EventUpcaster> upcasters() {
        return List.of(new AccountCreatedEventUpcaster(), new MemberJoinedChannelEventUpcaster());
    }

    /** The chain as the event stores run it, for tests and tools outside Spring. */
    public static EventUpcasterChain chain() {
        return new EventUpcasterChain(upcasters());
    }
}
