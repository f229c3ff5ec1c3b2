package io.backchannel.gateway.ratelimit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class RateLimitWebFilterTest {

    @Test
    void eachRequestSpendsFromTheRightBucket() {
        assertThat(kind(HttpMethod.POST, "/api/channels/C1/messages")).isEqualTo(RateLimiter.Kind.SEND);
        assertThat(kind(HttpMethod.POST, "/api/channels/C1/messages/4/reactions")).isEqualTo(RateLimiter.Kind.WRITE);
        assertThat(kind(HttpMethod.PATCH, "/api/channels/C1/messages/4")).isEqualTo(RateLimiter.Kind.WRITE);
        assertThat(kind(HttpMethod.DELETE, "/api/channels/C1/members/U1")).isEqualTo(RateLimiter.Kind.WRITE);
        assertThat(kind(HttpMethod.POST, "/api/teams")).isEqualTo(RateLimiter.Kind.WRITE);
        assertThat(kind(HttpMethod.GET, "/api/channels/C1/messages")).isEqualTo(RateLimiter.Kind.READ);
        assertThat(kind(HttpMethod.GET, "/api/ws")).isEqualTo(RateLimiter.Kind.READ);
        assertThat(kind(HttpMethod.HEAD, "/api/teams/T1/boot")).isEqualTo(RateLimiter.Kind.READ);
        assertThat(kind(HttpMethod.OPTIONS, "/api/channels/C1/messages")).isNull();
        assertThat(kind(HttpMethod.GET, "/actuator/health")).isNull();
        assertThat(kind(HttpMethod.GET, "/api")).isNull();
    }

    @Test
    void anAuthenticatedCallerOverTheLimitNeverReachesTheHandler() {
        RateLimiter limiter = new RateLimiter(new RateLimitProperties(true, 10, 2, 10, 30, 50, 200, 50, 200, 2, 5,
                Duration.ofSeconds(30)), new SimpleMeterRegistry(), () -> 0L);
        RateLimitWebFilter filter = new RateLimitWebFilter(limiter);
        AtomicInteger handled = new AtomicInteger();
        WebFilterChain chain = exchange -> Mono.fromRunnable(handled::incrementAndGet);
        try {
            for (int i = 0; i < 2; i++) {
                StepVerifier.create(filter.filter(send("U1"), chain)).verifyComplete();
            }
            StepVerifier.create(filter.filter(send("U1"), chain)).verifyError(RateLimitedException.class);
            assertThat(handled).hasValue(2);
            // Another user, and a request security has not authenticated (signup), spend nothing of U1's.
            StepVerifier.create(filter.filter(send("U2"), chain)).verifyComplete();
            StepVerifier.create(filter.filter(MockServerWebExchange.from(MockServerHttpRequest.post("/api/auth/signup")),
                    chain)).verifyComplete();
            assertThat(handled).hasValue(4);
        } finally {
            limiter.stop();
        }
    }

    private static MockServerWebExchange send(String userId) {
        Jwt jwt = Jwt.withTokenValue("token").header("alg", "HS256").subject(userId).build();
        return MockServerWebExchange.builder(MockServerHttpRequest.post("/api/channels/C1/messages"))
                .principal(new JwtAuthenticationToken(jwt)).build();
    }

    private static RateLimiter.Kind kind(HttpMethod method, String path) {
        return RateLimitWebFilter.kindOf(method, PathContainer.parsePath(path));
    }
}
