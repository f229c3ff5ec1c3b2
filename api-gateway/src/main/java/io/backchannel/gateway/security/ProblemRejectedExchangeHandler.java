package io.backchannel.gateway.security;

import io.backchannel.gateway.error.Problems;
import org.springframework.http.HttpStatus;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedException;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Spring Security's firewall refuses paths holding an encoded NUL, percent or slash, a {@code ..} segment, a
 * backslash and the like, before anything else runs. Its own answer is a bare 400 with no body; this one is
 * the problem detail every other 4xx is (Spring Security picks up a single bean of this type).
 */
@Component
class ProblemRejectedExchangeHandler implements ServerExchangeRejectedHandler {

    private final Problems problems;

    ProblemRejectedExchangeHandler(Problems problems) {
        this.problems = problems;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, ServerExchangeRejectedException rejected) {
        return problems.write(exchange, Problems.of(HttpStatus.BAD_REQUEST,
                "the request path holds characters or segments that are not allowed (such as an encoded NUL, "
                        + "slash or percent, or '..')"));
    }
}
