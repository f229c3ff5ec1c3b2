package io.backchannel.gateway.config;

import io.backchannel.gateway.error.Problems;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/** Refuses a declared oversize body before anything reads it; undeclared ones hit the codec limit. */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class BodyLimitFilter implements WebFilter {

    private final Problems problems;

    BodyLimitFilter(Problems problems) {
        this.problems = problems;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (exchange.getRequest().getHeaders().getContentLength() > GatewayConfiguration.MAX_BODY_BYTES) {
            return problems.write(exchange, Problems.of(HttpStatus.PAYLOAD_TOO_LARGE,
                    "the request body is over the 64 KiB limit"));
        }
        return chain.filter(exchange);
    }
}
