package io.backchannel.gateway.rest;

import java.security.SecureRandom;
import java.util.Base64;

/** Opaque, unguessable ids: a kind letter and 96 random bits. */
final class Ids {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {
    }

    static String next(char kind) {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return kind + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
