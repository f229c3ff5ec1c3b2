package io.backchannel.standalone.security;

import io.backchannel.standalone.RunningServer;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/**
 * A server of the security tests' own: the rate limits at their production defaults (the shared server runs
 * with limits no test reaches), plus one test-only route that fails unexpectedly, so a test can make the
 * gateway log an error for a request it chose. Started once, on first use; Spring's shutdown hook stops it.
 */
final class LimitedServer {

    static final String FAILING_ROUTE = "/api/test-only/fail";

    private static RunningServer server;

    private LimitedServer() {
    }

    static synchronized RunningServer get() {
        if (server == null) {
            try {
                server = RunningServer.start(Files.createTempDirectory("backchannel-limits"),
                        // Added as a source, not found by the component scan (it carries no stereotype), so no
                        // other test server has this route.
                        "--spring.main.sources=" + FailingRoute.class.getName(),
                        "--backchannel.stream.keepalive=1s");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return server;
    }

    /** {@code GET /api/test-only/fail}: authenticated like every {@code /api} route, then an unexpected failure. */
    static class FailingRoute {
        @Bean
        RouterFunction<ServerResponse> failingRoute() {
            return RouterFunctions.route(RequestPredicates.GET(FAILING_ROUTE),
                    request -> Mono.error(new IllegalStateException("a test-only failure")));
        }
    }
}
