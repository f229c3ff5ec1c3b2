package io.backchannel.command.channel;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The dedup memory of one channel: which (user, clientMsgId) produced which seq, and a fingerprint of
 * what was sent, so a retry is answered with the original seq and a reused key with another body is refused.
 *
 * <p>The window is {@link #WINDOW} (24 h) measured on event time, so replaying the log rebuilds exactly
 * the same memory. Its cost is bounded: at most {@link #CAPACITY} entries per channel, about 150 bytes
 * each with a typical 36-character clientMsgId, so at most ~3 MB for a channel that receives more than
 * 20,000 sends within a day; only such a channel sees its window shrink below 24 h, to its last 20,000 sends.
 */
final class RecentSends {

    static final Duration WINDOW = Duration.ofHours(24);
    static final int CAPACITY = 20_000;

    /** Insertion order is seq order, so the eldest entry is always the first to expire. */
    private final LinkedHashMap<String, Sent> sends = new LinkedHashMap<>();

    record Sent(String key, long seq, long tsMillis, long fingerprint) {
    }

    RecentSends() {
    }

    @JsonCreator
    RecentSends(List<Sent> sends) {
        sends.forEach(sent -> this.sends.put(sent.key(), sent));
    }

    @JsonValue
    List<Sent> entries() {
        return List.copyOf(sends.values());
    }

    Optional<Sent> find(String userId, String clientMsgId) {
        return Optional.ofNullable(sends.get(key(userId, clientMsgId)));
    }

    void remember(String userId, String clientMsgId, long seq, Instant ts, long fingerprint) {
        String key = key(userId, clientMsgId);
        sends.put(key, new Sent(key, seq, ts.toEpochMilli(), fingerprint));
        long horizon = ts.minus(WINDOW).toEpochMilli();
        var eldest = sends.values().iterator();
        while (eldest.hasNext()) {
            Sent sent = eldest.next();
            if (sends.size() <= CAPACITY && sent.tsMillis() >= horizon) {
                break;
            }
            eldest.remove();
        }
    }

    int size() {
        return sends.size();
    }

    /** 64 bits of SHA-256 over the body: a changed body is told apart with certainty for all practical purposes. */
    static long fingerprint(String text, Long threadSeq) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(String.valueOf(threadSeq).getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            byte[] hash = digest.digest(text.getBytes(StandardCharsets.UTF_8));
            long fingerprint = 0;
            for (int i = 0; i < Long.BYTES; i++) {
                fingerprint = fingerprint << 8 | (hash[i] & 0xff);
            }
            return fingerprint;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static String key(String userId, String clientMsgId) {
        return userId + '\u0000' + clientMsgId;
    }
}
