package io.backchannel.gateway.stream;

import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.reactive.socket.WebSocketSession;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.Connection;
import reactor.netty.NettyOutbound;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Where a listener drains its buffer: on the Netty event loop of the connection it writes to. The feed hands
 * each event over on the projections' thread, and every listener takes it from there on a thread of its own;
 * on its connection's event loop the write that follows is direct, where from any other thread it is one more
 * task handed to that loop, and a wake-up of it, per event and listener. Connections spread over the event
 * loops, so the listeners of a channel still spread over the cores. A connection that is not Reactor Netty's
 * drains on the parallel workers.
 */
public final class DrainThreads {

    /** The session attribute under which a WebSocket connection keeps its drain scheduler, set at the upgrade. */
    public static final String ATTRIBUTE = DrainThreads.class.getName();

    private DrainThreads() {
    }

    /** The event loop of the connection that writes {@code response}, found on the request or the upgrade. */
    public static Scheduler of(ServerHttpResponse response) {
        if (ServerHttpResponseDecorator.getNativeResponse(response) instanceof NettyOutbound netty) {
            AtomicReference<Connection> connection = new AtomicReference<>();
            netty.withConnection(connection::set);
            if (connection.get() != null) {
                // As a plain Executor: handed the event loop itself, Reactor would wrap it as a service it may shut down.
                return Schedulers.fromExecutor(connection.get().channel().eventLoop()::execute);
            }
        }
        return Schedulers.parallel();
    }

    public static Scheduler of(WebSocketSession session) {
        return session.getAttributes().get(ATTRIBUTE) instanceof Scheduler scheduler ? scheduler : Schedulers.parallel();
    }
}
