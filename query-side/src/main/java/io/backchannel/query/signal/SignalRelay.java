package io.backchannel.query.signal;

import io.backchannel.api.signal.FollowSignalsQuery;
import io.backchannel.api.signal.RelaySignalQuery;
import org.axonframework.queryhandling.QueryHandler;
import org.axonframework.queryhandling.QueryUpdateEmitter;
import org.springframework.stereotype.Component;

/**
 * Relays typing and presence between gateway nodes as subscription-query updates, through Axon's
 * query bus and never the event store. Every relay receives every signal (the gateways send them
 * scatter-gather), and emits it to the gateway subscriptions it serves, so each gateway gets it once.
 */
@Component
class SignalRelay {

    private final QueryUpdateEmitter emitter;

    SignalRelay(QueryUpdateEmitter emitter) {
        this.emitter = emitter;
    }

    @QueryHandler
    Boolean handle(RelaySignalQuery query) {
        emitter.emit(FollowSignalsQuery.class, follower -> true, query.signal());
        return Boolean.TRUE;
    }

    @QueryHandler
    Boolean handle(FollowSignalsQuery query) {
        return Boolean.TRUE;
    }
}
