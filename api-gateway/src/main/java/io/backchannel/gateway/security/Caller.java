package io.backchannel.gateway.security;

import org.springframework.security.oauth2.jwt.Jwt;

/** The authenticated user behind a request, as the token names them. */
public record Caller(String userId, String username, String displayName) {

    static final String USERNAME = "username";
    static final String DISPLAY_NAME = "name";
    /** The roles a token grants, such as {@link #ADMIN}; absent for an ordinary user. */
    static final String ROLES = "roles";
    /** The operator role: {@code /api/admin/**}. */
    public static final String ADMIN = "admin";

    public static Caller of(Jwt jwt) {
        return new Caller(jwt.getSubject(), jwt.getClaimAsString(USERNAME), jwt.getClaimAsString(DISPLAY_NAME));
    }
}
