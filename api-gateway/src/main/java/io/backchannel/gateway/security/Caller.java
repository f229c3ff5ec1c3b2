package io.backchannel.gateway.security;

import org.springframework.security.oauth2.jwt.Jwt;

/** The authenticated user behind a request, as the token names them. */
public record Caller(String userId, String username, String displayName) {

    static final String USERNAME = "username";
    static final String DISPLAY_NAME = "name";

    public static Caller of(Jwt jwt) {
        return new Caller(jwt.getSubject(), jwt.getClaimAsString(USERNAME), jwt.getClaimAsString(DISPLAY_NAME));
    }
}
