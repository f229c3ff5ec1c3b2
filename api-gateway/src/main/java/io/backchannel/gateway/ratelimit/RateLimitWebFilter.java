package io.backchannel.gateway.ratelimit;

import io.backchannel.gateway.security.Caller;
import org.springframework.core.Ordered;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Mono;

/**
 * The HTTP side of the per-user rate limits. Runs after Spring Security (order -100), so the caller is
 * known: an anonymous request (signup, or one security has already refused) spends nothing. A request
 * over the limit never reaches a handler: it fails with {@link RateLimitedException}, which the problem
 * handler answers with 429 and {@code Retry-After}.
 */
@Component
public class RateLimitWebFilter implements WebFilter, Ordered {

    private static final PathPattern SEND = PathPatternParser.defaultInstance.parse("/api/channels/{channelId}/messages");

    private final RateLimiter limiter;

    RateLimitWebFilter(RateLimiter limiter) {
        this.limiter = limiter;
    }

    @Override
    public int getOrder() {
        return 0;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        PathContainer path = exchange.getRequest().getPath().pathWithinApplication();
        RateLimiter.Kind kind = kindOf(exchange.getRequest().getMethod(), path);
        if (kind == null) {
            return chain.filter(exchange);
        }
        return exchange.getPrincipal()
                .filter(JwtAuthenticationToken.class::isInstance)
                .map(principal -> Caller.of(((JwtAuthenticationToken) principal).getToken()).userId())
                .flatMap(userId -> limiter.admit(kind, userId).map(Mono::<Void>error).orElse(Mono.empty()))
                .then(Mono.defer(() -> chain.filter(exchange)));
    }

    /** What a request spends: nothing outside {@code /api} (actuator) or for a CORS preflight. */
    static RateLimiter.Kind kindOf(HttpMethod method, PathContainer path) {
        if (!path.value().startsWith("/api/")) {
            return null;
        }
        if (HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method)) {
            return RateLimiter.Kind.READ;
        }
        if (HttpMethod.OPTIONS.equals(method) || HttpMethod.TRACE.equals(method)) {
            return null;
        }
        if (HttpMethod.POST.equals(method) && SEND.matches(path)) {
            return RateLimiter.Kind.SEND;
        }
        return RateLimiter.Kind.WRITE;
    }
}
