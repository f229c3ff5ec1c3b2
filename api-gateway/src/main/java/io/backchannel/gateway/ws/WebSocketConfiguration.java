package io.backchannel.gateway.ws;

import io.backchannel.gateway.stream.DrainThreads;
import io.micrometer.observation.ObservationPredicate;
import io.netty.channel.Channel;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.server.WebSocketService;
import org.springframework.web.reactive.socket.server.support.HandshakeWebSocketService;
import org.springframework.web.reactive.socket.server.support.WebSocketHandlerAdapter;
import org.springframework.web.reactive.socket.server.upgrade.ReactorNettyRequestUpgradeStrategy;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.WebsocketServerSpec;

import java.util.Map;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(WebSocketProperties.class)
public class WebSocketConfiguration {

    /** The session attribute under which a connection keeps its Netty channel, set at the upgrade. */
    static final String CHANNEL = Channel.class.getName();

    /**
     * {@code /api/ws}, with the origin check on the upgrade done by Spring's CORS processing: a browser
     * request from an origin not on the allowlist gets 403 before any upgrade; same-origin and
     * Origin-less requests pass.
     */
    @Bean
    HandlerMapping webSocketMapping(ChatSocketHandler handler, WebSocketProperties properties) {
        CorsConfiguration origins = new CorsConfiguration();
        origins.setAllowedOriginPatterns(properties.allowedOrigins());
        origins.addAllowedMethod("GET");
        origins.addAllowedHeader("*");
        SimpleUrlHandlerMapping mapping = new SimpleUrlHandlerMapping(Map.of("/api/ws", handler), Ordered.HIGHEST_PRECEDENCE);
        mapping.setCorsConfigurations(Map.of("/api/ws", origins));
        return mapping;
    }

    /**
     * No {@code http.server.requests} observation of a WebSocket upgrade: it would last as long as the
     * connection, holding its context, key values and timers all along, and record
     * connection lifetimes as request latencies. {@code backchannel_stream_connections} counts them instead.
     */
    @Bean
    ObservationPredicate webSocketUpgradesUnobserved() {
        return (name, context) -> !(context instanceof ServerRequestObservationContext request
                && "websocket".equalsIgnoreCase(request.getCarrier().getHeaders().getUpgrade()));
    }

    @Bean
    WebSocketHandlerAdapter webSocketHandlerAdapter(WebSocketService webSocketService) {
        return new WebSocketHandlerAdapter(webSocketService);
    }

    /**
     * The upgrade also hands the session its connection's Netty channel, where the handler writes its frames
     * and its subscriptions drain ({@link DrainThreads}); the session is the only place the handler can find it.
     * The handler writes frames as ready bytes, which per-message compression would have to rewrite: it stays off.
     */
    @Bean
    WebSocketService webSocketService(WebSocketProperties properties) {
        return new HandshakeWebSocketService(new ReactorNettyRequestUpgradeStrategy(
                () -> WebsocketServerSpec.builder().maxFramePayloadLength(properties.hardFrameBytes()))) {
            @Override
            public Mono<Void> handleRequest(ServerWebExchange exchange, WebSocketHandler handler) {
                Channel channel = DrainThreads.channelOf(exchange.getResponse());
                return super.handleRequest(exchange, session -> {
                    session.getAttributes().put(CHANNEL, channel);
                    return handler.handle(session);
                });
            }
        };
    }
}
