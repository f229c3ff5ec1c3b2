package io.backchannel.standalone.reliability;

import io.backchannel.api.message.MessagePostedEvent;
import io.backchannel.query.Projections;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.springframework.context.annotation.Bean;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Test-only fault injection into the projections: one more event handler in their processing group, which,
 * once armed, fails the next deliveries of a matching message, as a projection whose write fails does (the
 * other projections of the batch may have written already). Added to a test server as an extra source;
 * deliberately not {@code @Configuration}: the application scans {@code io.backchannel}, test classes
 * included, and would put it into every server.
 */
class ProjectionFaults {

    @Bean
    FaultyProjection faultyProjection() {
        return new FaultyProjection();
    }

    static final class InjectedFault extends RuntimeException {
        InjectedFault(String message) {
            super(message);
        }
    }

    /** Fails the next {@code n} deliveries of messages matching a predicate. */
    @ProcessingGroup(Projections.GROUP)
    static final class FaultyProjection {

        private final AtomicInteger remaining = new AtomicInteger();
        private final AtomicInteger injected = new AtomicInteger();
        private volatile Predicate<MessagePostedEvent> matching = message -> false;

        void failNext(int times, Predicate<MessagePostedEvent> messages) {
            matching = messages;
            remaining.set(times);
        }

        int injected() {
            return injected.get();
        }

        @EventHandler
        void on(MessagePostedEvent event) {
            if (matching.test(event) && remaining.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
                throw new InjectedFault("injected projection write failure #" + injected.incrementAndGet());
            }
        }
    }
}
