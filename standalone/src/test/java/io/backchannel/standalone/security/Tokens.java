package io.backchannel.standalone.security;

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
import java.util.Base64;
import java.util.Date;

/**
 * Hand-made tokens for every way a token can be wrong. The test servers run on the development secret, so a
 * test can also sign "valid" tokens that are wrong in one respect only (expired, another issuer, another algorithm).
 */
final class Tokens {

    static final String MALFORMED = "not.a.jwt";
    private static final String ANOTHER_KEY = "another-key-that-is-long-enough-for-hs256!!";

    private Tokens() {
    }

    static String expired(String userId) {
        Instant past = Instant.now().minus(Duration.ofHours(2));
        return sign(JWSAlgorithm.HS256, JwtProperties.DEVELOPMENT_SECRET, "backchannel", userId, past,
                past.plus(Duration.ofHours(1)));
    }

    static String signedWithAnotherKey(String userId) {
        Instant now = Instant.now();
        return sign(JWSAlgorithm.HS256, ANOTHER_KEY, "backchannel", userId, now, now.plus(Duration.ofHours(1)));
    }

    static String otherIssuer(String userId) {
        Instant now = Instant.now();
        return sign(JWSAlgorithm.HS256, JwtProperties.DEVELOPMENT_SECRET, "evil", userId, now,
                now.plus(Duration.ofHours(1)));
    }

    /** The right key, but HS512: the gateway accepts HS256 only. */
    static String otherAlgorithm(String userId) {
        Instant now = Instant.now();
        return sign(JWSAlgorithm.HS512, JwtProperties.DEVELOPMENT_SECRET + JwtProperties.DEVELOPMENT_SECRET,
                "backchannel", userId, now, now.plus(Duration.ofHours(1)));
    }

    /** {@code alg: none}, unsigned: the classic forgery. */
    static String unsigned(String userId) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        long exp = Instant.now().plus(Duration.ofHours(1)).getEpochSecond();
        return b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(("{\"iss\":\"backchannel\",\"sub\":\"" + userId + "\",\"exp\":" + exp + "}")
                .getBytes(StandardCharsets.UTF_8)) + ".";
    }

    /** A real token with its payload swapped for another user's: the signature no longer matches. */
    static String tampered(String token, String otherUserId) {
        String[] parts = token.split("\\.");
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replaceFirst("\"sub\":\"[^\"]*\"", "\"sub\":\"" + otherUserId + "\"");
        return parts[0] + "." + b64.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
    }

    private static String sign(JWSAlgorithm algorithm, String secret, String issuer, String userId, Instant issuedAt,
                               Instant expiresAt) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(algorithm), new JWTClaimsSet.Builder()
                    .issuer(issuer).subject(userId).issueTime(Date.from(issuedAt))
                    .expirationTime(Date.from(expiresAt)).claim("username", "someone").build());
            jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
