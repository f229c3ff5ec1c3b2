package io.backchannel.gateway.stream;

import io.netty.channel.Channel;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
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

    private DrainThreads() {
    }

    /** The event loop of the connection that writes {@code response}, found on the request or the upgrade. */
    public static Scheduler of(ServerHttpResponse response) {
        return of(channelOf(response));
    }

    /** The event loop of {@code channel}; the parallel workers for a connection that is not Reactor Netty's (null). */
    public static Scheduler of(Channel channel) {
        // As a plain Executor: handed the event loop itself, Reactor would wrap it as a service it may shut down.
        return channel == null ? Schedulers.parallel() : Schedulers.fromExecutor(channel.eventLoop()::execute);
    }

    /** The Netty channel that writes {@code response}, null if it is not Reactor Netty's. */
    public static Channel channelOf(ServerHttpResponse response) {
        if (ServerHttpResponseDecorator.getNativeResponse(response) instanceof NettyOutbound netty) {
            AtomicReference<Connection> connection = new AtomicReference<>();
            netty.withConnection(connection::set);
            return connection.get() == null ? null : connection.get().channel();
        }
        return null;
    }
}
