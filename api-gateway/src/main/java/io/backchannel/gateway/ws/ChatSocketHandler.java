package io.backchannel.gateway.ws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.backchannel.api.RejectedException;
import io.backchannel.api.Rejection;
import io.backchannel.api.signal.Signal;
import io.backchannel.api.team.FetchUserTeamsQuery;
import io.backchannel.api.team.TeamIds;
import io.backchannel.gateway.boot.BootCache;
import io.backchannel.gateway.bus.AxonClient;
import io.backchannel.gateway.messaging.MessageSender;
import io.backchannel.gateway.messaging.SendUnconfirmedException;
import io.backchannel.gateway.metrics.GatewayMetrics;
import io.backchannel.gateway.ratelimit.RateLimiter;
import io.backchannel.gateway.security.Caller;
import io.backchannel.gateway.security.ChannelReadAccess;
import io.backchannel.gateway.signal.Signals;
import io.backchannel.gateway.stream.BoundedQueue;
import io.backchannel.gateway.stream.ChannelStreams;
import io.backchannel.gateway.stream.DrainThreads;
import io.backchannel.gateway.stream.EventFrames;
import io.backchannel.gateway.stream.Presence;
import io.backchannel.gateway.stream.SlowConsumerException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.netty.NettyOutbound;
import reactor.netty.channel.ChannelOperations;
import reactor.util.concurrent.Queues;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code /api/ws}: API.md's WebSocket protocol. Each connection multiplexes its channel subscriptions,
 * each a gapless stream with its own bounded buffer, with replies and ephemeral signals. Every frame
 * is authorised on its own, and a bad one is answered with an {@code error} frame, never a close.
 */
@Component
class ChatSocketHandler implements WebSocketHandler {

    private static final Logger log = LoggerFactory.getLogger(ChatSocketHandler.class);
    private static final String TRANSPORT = "ws";
    /** Replies and signals waiting for a slow client; beyond this, signals are dropped (they are ephemeral). */
    private static final int CONTROL_BUFFER = 256;
    /** Sends a connection may have waiting for their acks while it reads on. */
    private static final int SENDS_IN_FLIGHT = 64;
    /** Presence changes reach a connection at most this late, and a burst of them in one write. */
    private static final Duration PRESENCE_BATCH = Duration.ofMillis(250);
    /** Slots the queue of newly subscribed channels grows by. */
    private static final int SUBSCRIBE_CHUNK = 8;
    /**
     * Runs a subscription has ready ahead of the socket. A run is one live event or a page of history, so a
     * few pages at most: the listener's own buffer, not this, is what bounds a slow client.
     */
    private static final int RUNS_AHEAD = 4;

    private final ObjectMapper json;
    private final EventFrames eventFrames;
    private final ChannelReadAccess readAccess;
    private final ChannelStreams streams;
    private final MessageSender sender;
    private final Signals signals;
    private final Presence presence;
    private final BootCache bootCache;
    private final AxonClient axon;
    private final GatewayMetrics metrics;
    private final WebSocketProperties properties;
    private final RateLimiter rateLimiter;

    ChatSocketHandler(ObjectMapper json, ChannelReadAccess readAccess, ChannelStreams streams, MessageSender sender,
                      Signals signals, Presence presence, BootCache bootCache, AxonClient axon, GatewayMetrics metrics,
                      WebSocketProperties properties, RateLimiter rateLimiter, EventFrames eventFrames) {
        this.json = json;
        this.eventFrames = eventFrames;
        this.readAccess = readAccess;
        this.streams = streams;
        this.sender = sender;
        this.signals = signals;
        this.presence = presence;
        this.bootCache = bootCache;
        this.axon = axon;
        this.metrics = metrics;
        this.properties = properties;
        this.rateLimiter = rateLimiter;
    }

    @Override
    public Mono<Void> handle(WebSocketSession session) {
        return session.getHandshakeInfo().getPrincipal()
                .cast(JwtAuthenticationToken.class)
                .map(authentication -> Caller.of(authentication.getToken()))
                .flatMap(caller -> new Connection(session, caller).run());
    }

    /** One client's connection: its subscriptions, its outbound frames, and what it may be told. */
    private final class Connection {

        private final WebSocketSession session;
        private final Caller caller;
        private final Instant connectedAt = Instant.now();
        // Both buffers are nearly always empty, so they take memory only as they fill: a connection's own
        // fixed cost is what decides how many idle clients a gateway holds.
        private final Sinks.Many<Object> control = Sinks.many().unicast()
                .onBackpressureBuffer(new BoundedQueue<>(CONTROL_BUFFER));
        /** One entry per subscribe frame (rate limited), taken at once by the merge below: never long. */
        private final Sinks.Many<Flux<ByteBuf>> channelFrames = Sinks.many().unicast()
                .onBackpressureBuffer(Queues.<Flux<ByteBuf>>unbounded(SUBSCRIBE_CHUNK).get());
        private final Map<String, Sinks.Empty<Void>> subscriptions = new ConcurrentHashMap<>();
        private final AtomicInteger sendsInFlight = new AtomicInteger();
        /** The user's teams, for presence: those at connect, and each one joined since (its general's join tells). */
        private final Set<String> teamIds = new CopyOnWriteArraySet<>();

        /** Where this connection's frames are written, and its subscriptions drain ({@link DrainThreads}). */
        private final Channel channel;
        private final Scheduler drainOn;

        private Connection(WebSocketSession session, Caller caller) {
            this.session = session;
            this.caller = caller;
            this.channel = (Channel) session.getAttributes().get(WebSocketConfiguration.CHANNEL);
            this.drainOn = DrainThreads.of(channel);
        }

        Mono<Void> run() {
            NettyOutbound outbound = outbound();
            if (outbound == null) {
                return Mono.empty(); // gone before it started: nothing to serve, nothing to count
            }
            metrics.streamOpened(TRANSPORT);
            presence.opened(caller.userId());
            reply(new Frames.Hello(caller.userId()));
            var typing = signals.incoming()
                    .filter(signal -> signal.kind() == Signal.Kind.TYPING && subscriptions.containsKey(signal.channelId())
                            && !signal.userId().equals(caller.userId()))
                    .subscribe(signal -> reply(new Frames.Typing(signal.channelId(), signal.userId())));
            var presenceChanges = presence.changes(PRESENCE_BATCH)
                    .filter(change -> !change.userId().equals(caller.userId()))
                    .concatMap(change -> Flux.fromIterable(teamIds)
                            .filterWhen(teamId -> bootCache.isMember(teamId, change.userId()).onErrorReturn(false))
                            .map(teamId -> new Frames.Presence(teamId, change.userId(), change.presence())))
                    .subscribe(this::reply);
            var joins = bootCache.joins(caller.userId())
                    .subscribe(join -> {
                        teamIds.add(join.teamId());
                        reply(new Frames.Joined(join.teamId(), join.channelId(), join.seq()));
                    });
            // The user's teams are held here for certain (whatever the warm-up managed), so their joins reach it.
            axon.query(new FetchUserTeamsQuery(caller.userId()), TeamIds.class)
                    .doOnNext(ids -> teamIds.addAll(ids.teamIds()))
                    .flatMapMany(ids -> Flux.fromIterable(ids.teamIds()))
                    .flatMap(bootCache::hold)
                    .subscribe(held -> { }, error -> log.debug("teams of {} unknown", caller.userId()));

            Mono<Void> sending = outbound.sendObject(Flux.merge(control.asFlux().map(this::frame),
                    channelFrames.asFlux().flatMap(frames -> frames, Integer.MAX_VALUE, RUNS_AHEAD))).then();
            Mono<Void> receiving = session.receive()
                    .filter(message -> message.getType() == WebSocketMessage.Type.TEXT)
                    .map(WebSocketMessage::getPayloadAsText)
                    .concatMap(this::onFrame)
                    .then();
            return Mono.when(receiving.doFinally(signal -> close()), sending)
                    .doFinally(signal -> {
                        typing.dispose();
                        presenceChanges.dispose();
                        joins.dispose();
                        metrics.streamClosed(TRANSPORT);
                        presence.closed(caller.userId());
                    });
        }

        private void close() {
            subscriptions.values().forEach(Sinks.Empty::tryEmitEmpty);
            channelFrames.tryEmitComplete();
            control.tryEmitComplete();
        }

        private Mono<Void> onFrame(String text) {
            if (text.length() > properties.maxFrameBytes()) {
                if (admitted(RateLimiter.Kind.FRAME, null)) {
                    reply(new Frames.Error("too_large", "frames are limited to " + properties.maxFrameBytes() + " bytes"));
                }
                return Mono.empty();
            }
            JsonNode frame;
            try {
                frame = json.readTree(text);
            } catch (JsonProcessingException e) {
                if (admitted(RateLimiter.Kind.FRAME, null)) {
                    reply(new Frames.Error("bad_frame", "a frame must be a JSON object with a \"type\""));
                }
                return Mono.empty();
            }
            String type = frame.path("type").asText("");
            if (!admitted(switch (type) {
                case "send" -> RateLimiter.Kind.SEND;
                case "typing" -> RateLimiter.Kind.TYPING;
                default -> RateLimiter.Kind.FRAME;
            }, frame)) {
                return Mono.empty();
            }
            Mono<Void> handled = Mono.defer(() -> switch (type) {
                case "subscribe" -> subscribe(frame);
                case "unsubscribe" -> unsubscribe(frame);
                case "typing" -> typing(frame);
                case "ping" -> Mono.fromRunnable(() -> reply(new Frames.Pong(frame.get("id"))));
                case "send" -> send(frame);
                default -> Mono.error(Rejection.invalid(type.isEmpty()
                        ? "a frame must be a JSON object with a \"type\""
                        : "unknown frame type '" + type + "'").exception());
            });
            Mono<Void> answered = handled.onErrorResume(error -> {
                reply(errorFrame(error).answering("send".equals(type) ? clientMsgIdOf(frame) : null));
                return Mono.empty();
            });
            return "send".equals(type) ? meanwhile(answered) : answered;
        }

        /**
         * Lets the frames after a send go on while it is stored: a ping, a typing frame or the next send does
         * not wait for its ack. It is handed to its channel's queue before this returns, so a connection's
         * sends to a channel are stored in the order they came. Past {@link #SENDS_IN_FLIGHT} unanswered ones,
         * the next send holds the frames behind it until it is answered, as every send once did.
         */
        private Mono<Void> meanwhile(Mono<Void> send) {
            if (sendsInFlight.incrementAndGet() > SENDS_IN_FLIGHT) {
                sendsInFlight.decrementAndGet();
                return send;
            }
            send.doFinally(signal -> sendsInFlight.decrementAndGet()).subscribe();
            return Mono.empty();
        }

        private Mono<Void> subscribe(JsonNode frame) {
            String channelId = text(frame, "channelId");
            JsonNode after = frame.path("afterSeq");
            if (!after.isMissingNode() && !after.isNull() && (!after.canConvertToLong() || !after.isIntegralNumber()
                    || after.asLong() < -1)) {
                return Mono.error(Rejection.invalid("afterSeq must be a seq, or -1 for everything").exception());
            }
            Long resumeFrom = after.isIntegralNumber() ? after.asLong() : null;
            return readAccess.subscriptionStart(channelId, resumeFrom, caller).doOnNext(from -> {
                Sinks.Empty<Void> stop = Sinks.empty();
                Sinks.Empty<Void> previous = subscriptions.put(channelId, stop);
                if (previous != null) {
                    previous.tryEmitEmpty();
                }
                reply(new Frames.Subscribed(channelId, from));
                Flux<ByteBuf> frames = streams.follow(channelId, from, caller.userId(), drainOn)
                        .doOnNext(run -> metrics.delivered(connectedAt, run))
                        .map(run -> Unpooled.wrappedBuffer(eventFrames.webSocket(run)))
                        .onErrorResume(SlowConsumerException.class,
                                slow -> Mono.just(frame(new Frames.Resync(slow.channelId(), slow.afterSeq()))))
                        .takeUntilOther(stop.asMono())
                        .doFinally(signal -> subscriptions.remove(channelId, stop));
                channelFrames.tryEmitNext(frames);
            }).then();
        }

        private Mono<Void> unsubscribe(JsonNode frame) {
            String channelId = text(frame, "channelId");
            return Mono.fromRunnable(() -> {
                Sinks.Empty<Void> stop = subscriptions.remove(channelId);
                if (stop != null) {
                    stop.tryEmitEmpty();
                }
            });
        }

        private Mono<Void> typing(JsonNode frame) {
            String channelId = text(frame, "channelId");
            return readAccess.requireMember(channelId, caller)
                    .doOnNext(channel -> signals.publish(Signal.typing(caller.userId(), channelId)))
                    .then();
        }

        private Mono<Void> send(JsonNode frame) {
            JsonNode thread = frame.path("threadSeq");
            // canConvertToLong: a number beyond a long would otherwise be truncated into some other seq.
            if (!thread.isMissingNode() && !thread.isNull() && !(thread.isIntegralNumber() && thread.canConvertToLong())) {
                return Mono.error(Rejection.invalid("threadSeq must be a seq").exception());
            }
            String channelId = text(frame, "channelId");
            String clientMsgId = text(frame, "clientMsgId");
            String text = text(frame, "text");
            return sender.send(caller, channelId, clientMsgId, text, thread.isIntegralNumber() ? thread.asLong() : null)
                    .doOnNext(receipt -> reply(new Frames.Ack(receipt.clientMsgId(), receipt.channelId(),
                            receipt.seq(), receipt.messageId())))
                    .then();
        }

        /**
         * Spends a token of the caller's bucket for this kind of frame; over the limit, answers with a
         * {@code rate_limited} error frame (naming the send it refuses) and the connection stays open.
         */
        private boolean admitted(RateLimiter.Kind kind, JsonNode frame) {
            return rateLimiter.admit(kind, caller.userId()).map(limited -> {
                reply(new RateLimited("error", "rate_limited", limited.getMessage(),
                        Math.max(1, (limited.retryAfter().toNanos() + 999_999) / 1_000_000),
                        frame == null ? null : clientMsgIdOf(frame)));
                return false;
            }).orElse(true);
        }

        private void reply(Object frame) {
            // Replies come from the event loop and from other threads (presence, typing, an access check's
            // answer), and the sink refuses, rather than waits for, a second emitter: one at a time, then.
            // A lock, not a spin: a spin on the event loop burns the thread every connection on it needs.
            // Beyond the buffer, frames drop.
            synchronized (control) {
                control.tryEmitNext(frame);
            }
        }

        /**
         * Where everything this handler writes goes, as the bytes of whole frames: Reactor Netty's outbound rather
         * than Spring's session, which takes one message per frame, where a catch-up page is many frames in one
         * buffer (see {@link EventFrames#webSocket(List)}). Netty's own frames (pongs to pings, the close) still
         * pass its encoder; writes interleave only between whole frames. Null once the connection is gone.
         */
        private NettyOutbound outbound() {
            return channel == null ? null : ChannelOperations.get(channel);
        }

        private ByteBuf frame(Object frame) {
            return Unpooled.wrappedBuffer(eventFrames.webSocket(frame));
        }

        /** A required string field; anything else in its place is a bad frame. */
        private String text(JsonNode frame, String field) {
            JsonNode value = frame.path(field);
            if (!value.isTextual() || value.asText().isEmpty()) {
                throw Rejection.invalid("'" + field + "' must be a non-empty string").exception();
            }
            return value.asText();
        }
    }

    /** API.md's error frame for a frame over the rate limit, with how long to wait and which send it was. */
    record RateLimited(String type, String code, String message, long retryAfterMs, String clientMsgId) {
    }

    /** The {@code clientMsgId} a frame names, if a string, so that an answer to a send can name it too. */
    private static String clientMsgIdOf(JsonNode frame) {
        JsonNode clientMsgId = frame.get("clientMsgId");
        return clientMsgId != null && clientMsgId.isTextual() ? clientMsgId.asText() : null;
    }

    private static Frames.Error errorFrame(Throwable error) {
        if (error instanceof RejectedException rejected) {
            return new Frames.Error(rejected.rejection().kind().name().toLowerCase(), rejected.getMessage());
        }
        if (error instanceof SendUnconfirmedException unconfirmed) {
            return new Frames.Error("unconfirmed", unconfirmed.getMessage());
        }
        log.warn("unexpected error handling a frame", error);
        return new Frames.Error("internal", "an internal error occurred");
    }
}
