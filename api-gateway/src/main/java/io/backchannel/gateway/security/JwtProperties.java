package io.backchannel.gateway.security;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * How tokens are signed and checked (HS256).
 *
 * @param secret the signing key, at least 32 bytes. The default is a DEVELOPMENT-ONLY value, refused
 *               under the {@code distributed} profile; set {@code BACKCHANNEL_JWT_SECRET} in production
 * @param issuer the {@code iss} claim written and required (default {@code backchannel})
 * @param ttl    how long a token stays valid (default 30 days)
 */
@ConfigurationProperties("backchannel.jwt")
public record JwtProperties(@DefaultValue(DEVELOPMENT_SECRET) String secret,
                            @DefaultValue("backchannel") String issuer,
                            @DefaultValue("30d") Duration ttl) {

    /** DEVELOPMENT ONLY: lets the embedded default start with no setup. Never use it for real users. */
    public static final String DEVELOPMENT_SECRET = "dev-only-insecure-backchannel-jwt-secret-change-me";

    public boolean isDevelopmentSecret() {
        return DEVELOPMENT_SECRET.equals(secret);
    }
}
