package io.backchannel.query;

import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import reactor.core.publisher.Mono;

import java.util.ArrayList;
import java.util.List;

import static io.backchannel.query.Projections.WRITE_TIMEOUT;

/**
 * The writes one event makes, run together. A projection hands its write here instead of waiting for it;
 * once every projection has seen the event, the processor waits for all of its writes at once. An event
 * then costs about one round trip to MongoDB instead of one per projection (measured: the projections were
 * what held live delivery back). The next event starts only after this one's writes are in, so writes to
 * one document keep their order, and a failed write fails the batch, which is retried. Projections write
 * to documents of their own, so one event's writes never race each other. Outside the processor (a test
 * calling a handler) a write completes before the handler returns.
 */
public final class EventWrites {

    private static final String PENDING = EventWrites.class.getName();

    private EventWrites() {
    }

    public static void submit(Mono<?> write) {
        List<Mono<?>> pending = CurrentUnitOfWork.isStarted() ? CurrentUnitOfWork.get().getResource(PENDING) : null;
        if (pending == null) {
            write.block(WRITE_TIMEOUT);
        } else {
            pending.add(write);
        }
    }

    /** Gathers the writes of each event the processor handles, and waits for them together. */
    public static MessageHandlerInterceptor<EventMessage<?>> gatherPerEvent() {
        return (unitOfWork, chain) -> {
            List<Mono<?>> pending = new ArrayList<>();
            unitOfWork.resources().put(PENDING, pending);
            try {
                Object result = chain.proceed();
                Mono.when(pending).block(WRITE_TIMEOUT);
                return result;
            } finally {
                unitOfWork.resources().remove(PENDING);
            }
        };
    }
}
