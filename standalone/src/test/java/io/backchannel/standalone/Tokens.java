package io.backchannel.standalone;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.backchannel.gateway.security.JwtProperties;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

/** Hand-made tokens for the ways a client can get authentication wrong. */
final class Tokens {

    private Tokens() {
    }

    static String expired(String userId) {
        Instant past = Instant.now().minus(Duration.ofHours(2));
        return sign(JwtProperties.DEVELOPMENT_SECRET, userId, past, past.plus(Duration.ofHours(1)));
    }

    static String signedWithAnotherKey(String userId) {
        Instant now = Instant.now();
        return sign("another-key-that-is-long-enough-for-hs256!!", userId, now, now.plus(Duration.ofHours(1)));
    }

    private static String sign(String secret, String userId, Instant issuedAt, Instant expiresAt) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder()
                    .issuer("backchannel").subject(userId).issueTime(Date.from(issuedAt))
                    .expirationTime(Date.from(expiresAt)).claim("username", "someone").build());
            jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
