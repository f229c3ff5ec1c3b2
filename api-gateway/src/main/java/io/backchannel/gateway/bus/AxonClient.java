package io.backchannel.gateway.bus;

import io.backchannel.api.RejectedException;
import io.backchannel.api.Rejection;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.messaging.HandlerExecutionException;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.queryhandling.QueryGateway;
import org.axonframework.queryhandling.SubscriptionQueryResult;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's only way onto Axon's buses. Dispatch happens on {@code boundedElastic}: local buses run
 * handlers on the caller's thread, and a command handler may block on the event store, so nothing
 * here may run on a Netty event loop. Refusals come back as {@link RejectedException} in both modes.
 */
@Component
public class AxonClient {

    private final CommandGateway commands;
    private final QueryGateway queries;

    AxonClient(CommandGateway commands, QueryGateway queries) {
        this.commands = commands;
        this.queries = queries;
    }

    public <R> Mono<R> send(Object command) {
        return Mono.defer(() -> Mono.fromFuture(commands.<R>send(command)))
                .subscribeOn(Schedulers.boundedElastic())
                .onErrorMap(HandlerExecutionException.class, AxonClient::unwrap);
    }

    public <R> Mono<R> query(Object query, Class<R> responseType) {
        return Mono.defer(() -> Mono.fromFuture(queries.query(query, responseType)))
                .subscribeOn(Schedulers.boundedElastic())
                .onErrorMap(HandlerExecutionException.class, AxonClient::unwrap);
    }

    /** Sends a query to every node that handles it, completing once they answered or the wait ran out. */
    public Mono<Void> broadcast(Object query, Duration wait) {
        return Mono.<Void>fromRunnable(() -> queries.scatterGather(query, ResponseTypes.instanceOf(Object.class),
                        wait.toMillis(), TimeUnit.MILLISECONDS).forEach(answer -> { }))
                .subscribeOn(Schedulers.boundedElastic());
    }

    /**
     * Opens a subscription query on {@code boundedElastic}. Updates are registered before the initial
     * answer is read, so nothing falls between them. The caller closes the result.
     */
    public <I, U> Mono<SubscriptionQueryResult<I, U>> subscribe(Object query, Class<I> initialType, Class<U> updateType,
                                                                int bufferSize) {
        // A fresh query message each time: a subscription query message must never be reused.
        return Mono.fromCallable(() -> queries.subscriptionQuery(query.getClass().getName(), query,
                        ResponseTypes.instanceOf(initialType), ResponseTypes.instanceOf(updateType), bufferSize))
                .subscribeOn(Schedulers.boundedElastic());
    }

    /** Only the updates of a subscription query; the subscription is closed however the flux ends. */
    public <U> Flux<U> updates(Object query, Class<?> initialType, Class<U> updateType, int bufferSize) {
        return updates(query, initialType, updateType, bufferSize, () -> { });
    }

    /** {@link #updates}, and {@code registered} runs once the bus keeps updates for it, before the first one. */
    public <U> Flux<U> updates(Object query, Class<?> initialType, Class<U> updateType, int bufferSize,
                               Runnable registered) {
        return subscribe(query, initialType, updateType, bufferSize)
                .doOnNext(result -> registered.run())
                .flatMapMany(result -> result.updates().doFinally(signal -> result.close()));
    }

    private static Throwable unwrap(HandlerExecutionException e) {
        return e.getDetails()
                .filter(Rejection.class::isInstance)
                .map(details -> (Throwable) ((Rejection) details).exception())
                .orElse(e);
    }
}
