package io.backchannel.gateway.rest;

import org.springframework.stereotype.Component;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Opaque, unguessable ids: a kind letter and 96 random bits. A DRBG seeded once at startup, because
 * the platform default reads {@code /dev/urandom} on every call, a blocking read on the event loop.
 */
@Component
class IdGenerator {

    private final SecureRandom random;

    IdGenerator() throws NoSuchAlgorithmException {
        this.random = SecureRandom.getInstance("DRBG");
        random.nextBytes(new byte[1]);
    }

    String next(char kind) {
        byte[] bytes = new byte[12];
        random.nextBytes(bytes);
        return kind + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
