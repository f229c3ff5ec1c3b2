package io.backchannel.gateway.security;

import io.backchannel.gateway.admin.AdminProperties;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.util.List;

/**
 * Signs the bearer tokens that signup hands out. A username listed in {@code backchannel.admin.usernames}
 * gets the {@code admin} role in its token's {@code roles} claim.
 */
@Component
public class TokenIssuer {

    private final JwtEncoder encoder;
    private final JwtProperties properties;
    private final AdminProperties admins;
    private final Clock clock;

    TokenIssuer(JwtEncoder encoder, JwtProperties properties, AdminProperties admins) {
        this.encoder = encoder;
        this.properties = properties;
        this.admins = admins;
        this.clock = Clock.systemUTC();
    }

    public String issue(Caller caller) {
        var now = clock.instant();
        JwtClaimsSet.Builder claims = JwtClaimsSet.builder()
                .issuer(properties.issuer())
                .subject(caller.userId())
                .issuedAt(now)
                .expiresAt(now.plus(properties.ttl()))
                .claim(Caller.USERNAME, caller.username())
                .claim(Caller.DISPLAY_NAME, caller.displayName());
        if (admins.isAdmin(caller.username())) {
            claims.claim(Caller.ROLES, List.of(Caller.ADMIN));
        }
        return encoder.encode(JwtEncoderParameters.from(JwsHeader.with(MacAlgorithm.HS256).build(), claims.build()))
                .getTokenValue();
    }
}
