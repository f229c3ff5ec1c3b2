package io.backchannel.gateway.security;

import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class VerifiedTokensTest {

    private static final Instant NOW = Instant.parse("2026-11-29T10:00:00Z");

    /** Stands in for signature and claim checks: accepts tokens named "good-...", expiring an hour from NOW. */
    private final List<String> checked = new ArrayList<>();
    private final ReactiveJwtDecoder verifier = token -> {
        checked.add(token);
        return token.startsWith("good-")
                ? Mono.just(Jwt.withTokenValue(token).header("alg", "HS256").subject(token)
                        .issuedAt(NOW.minusSeconds(60)).expiresAt(NOW.plus(Duration.ofHours(1))).build())
                : Mono.error(new BadJwtException("bad signature"));
    };

    @Test
    void aTokenIsVerifiedOnceAndThenServedFromWhatWasVerified() {
        VerifiedTokens tokens = new VerifiedTokens(verifier, Clock.fixed(NOW, ZoneOffset.UTC));

        StepVerifier.create(tokens.decode("good-alice")).assertNext(jwt -> assertThat(jwt.getSubject()).isEqualTo("good-alice")).verifyComplete();
        StepVerifier.create(tokens.decode("good-alice")).assertNext(jwt -> assertThat(jwt.getSubject()).isEqualTo("good-alice")).verifyComplete();
        StepVerifier.create(tokens.decode("good-bob")).assertNext(jwt -> assertThat(jwt.getSubject()).isEqualTo("good-bob")).verifyComplete();

        assertThat(checked).containsExactly("good-alice", "good-bob");
    }

    @Test
    void aRefusedTokenIsNeverKeptAndIsRefusedEveryTime() {
        VerifiedTokens tokens = new VerifiedTokens(verifier, Clock.fixed(NOW, ZoneOffset.UTC));

        StepVerifier.create(tokens.decode("forged")).verifyError(BadJwtException.class);
        StepVerifier.create(tokens.decode("forged")).verifyError(BadJwtException.class);

        assertThat(checked).containsExactly("forged", "forged");
    }

    @Test
    void anExpiredTokenGoesBackToTheVerifier() {
        MutableClock clock = new MutableClock(NOW);
        VerifiedTokens tokens = new VerifiedTokens(verifier, clock);
        StepVerifier.create(tokens.decode("good-alice")).expectNextCount(1).verifyComplete();

        clock.now = NOW.plus(Duration.ofHours(2));
        StepVerifier.create(tokens.decode("good-alice")).expectNextCount(1).verifyComplete();

        assertThat(checked).containsExactly("good-alice", "good-alice");
    }

    private static final class MutableClock extends Clock {
        private Instant now;

        private MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
