package io.backchannel.gateway.signal;

import io.backchannel.api.signal.FollowSignalsQuery;
import io.backchannel.api.signal.RelaySignalQuery;
import io.backchannel.api.signal.Signal;
import io.backchannel.gateway.bus.AxonClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.retry.Retry;

import java.time.Duration;
import java.util.UUID;

/**
 * Typing and presence between gateway nodes, over Axon's query bus: signals go out scatter-gather to
 * the relays and come back to every node through its one signals subscription. Best effort by
 * design: a lost typing signal is harmless, and presence repeats itself.
 */
@Component
public class Signals implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(Signals.class);
    private static final Duration RELAY_WAIT = Duration.ofSeconds(2);
    private static final int BUFFER = 4096;

    private final AxonClient axon;
    private final String nodeId = UUID.randomUUID().toString();
    private final Sinks.Many<Signal> incoming = Sinks.many().multicast().directBestEffort();
    private volatile Disposable subscription;

    Signals(AxonClient axon) {
        this.axon = axon;
    }

    public String nodeId() {
        return nodeId;
    }

    public Flux<Signal> incoming() {
        return incoming.asFlux();
    }

    public void publish(Signal signal) {
        axon.broadcast(new RelaySignalQuery(signal), RELAY_WAIT)
                .subscribe(done -> { }, error -> log.debug("signal not relayed", error));
    }

    @Override
    public void start() {
        subscription = axon.updates(new FollowSignalsQuery(nodeId), Boolean.class, Signal.class, BUFFER)
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(100)).maxBackoff(Duration.ofSeconds(5)))
                .subscribe(this::deliver);
    }

    private synchronized void deliver(Signal signal) {
        incoming.tryEmitNext(signal);
    }

    @Override
    public void stop() {
        Disposable current = subscription;
        if (current != null) {
            current.dispose();
        }
        subscription = null;
    }

    @Override
    public boolean isRunning() {
        return subscription != null;
    }

    /** After the query handlers are registered, so the local relay is there to answer. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 1000;
    }
}
