package io.backchannel.command.channel;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class RecentSendsTest {

    private static final Instant T0 = Instant.parse("2026-03-01T00:00:00.123Z");
    private static final Duration DAY = Duration.ofHours(24);

    private final RecentSends sends = new RecentSends();

    private void remember(String userId, String clientMsgId, long seq, Instant ts) {
        sends.remember(userId, clientMsgId, seq, ts, RecentSends.fingerprint("text " + seq, null));
    }

    @Test
    void aRememberedSendIsFoundWithItsSeqTimeAndFingerprint() {
        long fingerprint = RecentSends.fingerprint("hello", 7L);
        sends.remember("bob", "c-1", 9, T0, fingerprint);

        assertThat(sends.find("bob", "c-1")).hasValueSatisfying(sent -> {
            assertThat(sent.seq()).isEqualTo(9);
            assertThat(sent.tsMillis()).isEqualTo(T0.toEpochMilli());
            assertThat(sent.fingerprint()).isEqualTo(fingerprint);
        });
    }

    @Test
    void theKeyIsTheUserAndTheClientMsgId() {
        remember("bob", "c-1", 2, T0);

        assertThat(sends.find("alice", "c-1")).isEmpty();
        assertThat(sends.find("bob", "c-2")).isEmpty();
    }

    @Test
    void userAndClientMsgIdCannotRunIntoEachOther() {
        remember("ab", "c", 2, T0);

        assertThat(sends.find("a", "bc")).isEmpty();
        assertThat(sends.find("ab", "c")).isPresent();
    }

    @Test
    void anEntryOlderThan24HoursIsForgottenWhenANewerSendIsRemembered() {
        remember("bob", "c-1", 2, T0);
        remember("alice", "a-1", 3, T0.plus(DAY).plusMillis(1));

        assertThat(sends.find("bob", "c-1")).isEmpty();
        assertThat(sends.find("alice", "a-1")).isPresent();
        assertThat(sends.size()).isEqualTo(1);
    }

    @Test
    void anEntryExactly24HoursOldIsStillRemembered() {
        remember("bob", "c-1", 2, T0);
        remember("alice", "a-1", 3, T0.plus(DAY));

        assertThat(sends.find("bob", "c-1")).isPresent();
        assertThat(sends.size()).isEqualTo(2);
    }

    @Test
    void onlyTheEntriesOutsideTheWindowAreForgotten() {
        remember("bob", "c-1", 2, T0);
        remember("bob", "c-2", 3, T0.plus(Duration.ofHours(1)));
        remember("bob", "c-3", 4, T0.plus(Duration.ofHours(12)));
        remember("alice", "a-1", 5, T0.plus(Duration.ofHours(25)).minusMillis(1));

        assertThat(sends.find("bob", "c-1")).isEmpty();
        assertThat(sends.find("bob", "c-2")).isPresent();
        assertThat(sends.find("bob", "c-3")).isPresent();
        assertThat(sends.size()).isEqualTo(3);
    }

    @Test
    void theWindowIsMeasuredInEventTimeSoAnOldHistoryReplaysToTheSameMemory() {
        Instant longAgo = Instant.parse("2001-01-01T00:00:00Z");
        remember("bob", "c-1", 2, longAgo);
        remember("bob", "c-2", 3, longAgo.plus(Duration.ofHours(23)));

        // Years of wall-clock time have passed, but in event time both sends are within a day of each other.
        assertThat(sends.find("bob", "c-1")).isPresent();
        assertThat(sends.find("bob", "c-2")).isPresent();
    }

    @Test
    void atCapacityTheEldestEntryIsEvicted() {
        for (int i = 0; i < RecentSends.CAPACITY; i++) {
            remember("bob", "c-" + i, i + 1, T0);
        }
        assertThat(sends.size()).isEqualTo(RecentSends.CAPACITY);

        remember("bob", "c-" + RecentSends.CAPACITY, RecentSends.CAPACITY + 1, T0);

        assertThat(sends.size()).isEqualTo(RecentSends.CAPACITY);
        assertThat(sends.find("bob", "c-0")).isEmpty();
        assertThat(sends.find("bob", "c-1")).isPresent();
        assertThat(sends.find("bob", "c-" + RecentSends.CAPACITY)).isPresent();
    }

    @Test
    void theCapacityIs20000AndTheWindow24Hours() {
        assertThat(RecentSends.CAPACITY).isEqualTo(20_000);
        assertThat(RecentSends.WINDOW).isEqualTo(DAY);
    }

    @ParameterizedTest
    @MethodSource("io.backchannel.command.channel.SnapshotMappers#mappers")
    void itSurvivesAJacksonRoundTrip(ObjectMapper mapper) throws Exception {
        remember("bob", "c-1", 2, T0);
        remember("alice", "c-1", 3, T0.plus(Duration.ofHours(1)));
        sends.remember("bob", "c-2", 4, T0.plus(Duration.ofHours(2)), RecentSends.fingerprint("hi", 2L));

        RecentSends restored = mapper.readValue(mapper.writeValueAsString(sends), RecentSends.class);

        assertThat(restored.entries()).isEqualTo(sends.entries());
        assertThat(restored.find("bob", "c-2")).hasValueSatisfying(sent -> {
            assertThat(sent.seq()).isEqualTo(4);
            assertThat(sent.fingerprint()).isEqualTo(RecentSends.fingerprint("hi", 2L));
        });
    }

    @ParameterizedTest
    @MethodSource("io.backchannel.command.channel.SnapshotMappers#mappers")
    void afterARoundTripTheEldestIsStillTheFirstToExpire(ObjectMapper mapper) throws Exception {
        remember("bob", "c-1", 2, T0);
        remember("bob", "c-2", 3, T0.plus(Duration.ofHours(1)));

        RecentSends restored = mapper.readValue(mapper.writeValueAsString(sends), RecentSends.class);
        restored.remember("bob", "c-3", 4, T0.plus(Duration.ofMinutes(24 * 60 + 30)), 0L);

        assertThat(restored.find("bob", "c-1")).isEmpty();
        assertThat(restored.find("bob", "c-2")).isPresent();
        assertThat(restored.find("bob", "c-3")).isPresent();
    }

    @ParameterizedTest
    @MethodSource("io.backchannel.command.channel.SnapshotMappers#mappers")
    void afterARoundTripAtCapacityTheEldestIsEvictedFirst(ObjectMapper mapper) throws Exception {
        for (int i = 0; i < RecentSends.CAPACITY; i++) {
            remember("bob", "c-" + i, i + 1, T0);
        }

        RecentSends restored = mapper.readValue(mapper.writeValueAsString(sends), RecentSends.class);
        restored.remember("bob", "new", RecentSends.CAPACITY + 1, T0, 0L);

        assertThat(restored.size()).isEqualTo(RecentSends.CAPACITY);
        assertThat(restored.find("bob", "c-0")).isEmpty();
        assertThat(restored.find("bob", "c-1")).isPresent();
    }

    @Test
    void theFingerprintTellsBodiesApart() {
        long hello = RecentSends.fingerprint("hello", null);

        assertThat(RecentSends.fingerprint("hello", null)).isEqualTo(hello);
        assertThat(RecentSends.fingerprint("hello!", null)).isNotEqualTo(hello);
        assertThat(RecentSends.fingerprint("hello", 0L)).isNotEqualTo(hello);
        assertThat(RecentSends.fingerprint("hello", 1L)).isNotEqualTo(RecentSends.fingerprint("hello", 2L));
        // The threadSeq and the text are kept apart, so digits cannot move from one to the other.
        assertThat(RecentSends.fingerprint("2hello", 1L)).isNotEqualTo(RecentSends.fingerprint("hello", 12L));
    }
}
