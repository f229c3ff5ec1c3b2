package io.backchannel.gateway.security;

import com.github.benmanes.caffeine.cache.Cache;
import io.backchannel.gateway.config.Caches;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import reactor.core.publisher.Mono;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Tokens already verified, kept while they are in use. A client sends the same token with every request, and
 * checking its signature and claims each time was a measurable part of a send (about 3 % of the server's
 * CPU samples on the hot-channel benchmark). Only a token that passed {@code verifier} is kept, under its
 * exact text, so a forged or altered token is never found here; an expired one is verified again, and is
 * refused then with the verifier's own error.
 */
final class VerifiedTokens implements ReactiveJwtDecoder {

    /**
     * Tokens of users who sent a request lately. A kept token costs about 1.6 KB (measured: 1.2 KB of decoded
     * headers and claims, plus its text), so the bound is about 16 MB; a token missing here is only verified
     * again.
     */
    private static final int KEPT = 10_000;
    /**
     * A WebSocket's token is used once, at the upgrade, and an active user's with every request: this keeps
     * the latter without holding every idle connection's token for as long as it stays open.
     */
    private static final Duration UNUSED = Duration.ofMinutes(2);

    private final ReactiveJwtDecoder verifier;
    private final Clock clock;
    private final Cache<String, Jwt> verified = Caches.newBuilder()
            .maximumSize(KEPT)
            .expireAfterAccess(UNUSED)
            .build();

    VerifiedTokens(ReactiveJwtDecoder verifier, Clock clock) {
        this.verifier = verifier;
        this.clock = clock;
    }

    @Override
    public Mono<Jwt> decode(String token) {
        Jwt known = verified.getIfPresent(token);
        if (known != null && unexpired(known, clock.instant())) {
            return Mono.just(known);
        }
        return verifier.decode(token).doOnNext(jwt -> verified.put(token, jwt));
    }

    private static boolean unexpired(Jwt jwt, Instant now) {
        return jwt.getExpiresAt() == null || jwt.getExpiresAt().isAfter(now);
    }
}
