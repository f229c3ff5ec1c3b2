package io.backchannel.gateway.stream;

import io.backchannel.api.signal.Signal;
import io.backchannel.gateway.signal.Signals;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.clearInvocations;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/** Presence across gateway nodes: what a node says of its own users, and what it believes of the others'. */
class PresenceTest {

    private static final Duration GRACE = Duration.ofSeconds(30);

    private final TestClock clock = new TestClock();
    private final Signals signals = mock(Signals.class);
    private final Sinks.Many<Signal> fromOtherNodes = Sinks.many().multicast().directBestEffort();
    private VirtualTimeScheduler time;
    private Presence presence;

    @BeforeEach
    void start() {
        when(signals.nodeId()).thenReturn("this-node");
        when(signals.incoming()).thenReturn(fromOtherNodes.asFlux());
        time = VirtualTimeScheduler.getOrSet();
        presence = started(GRACE);
    }

    private Presence started(Duration grace) {
        Presence started = new Presence(signals, clock, grace, time);
        started.start();
        return started;
    }

    @AfterEach
    void stop() {
        presence.stop();
        VirtualTimeScheduler.reset();
    }

    /**
     * Both clocks, together: the one presence reads its words' expiry from, and the one its timers (heartbeats,
     * departures) run on; a millisecond at a time, so that no timer runs at a wall-clock time still to come.
     */
    private void pass(Duration duration) {
        for (long ms = 0; ms < duration.toMillis(); ms++) {
            clock.advance(Duration.ofMillis(1));
            time.advanceTimeBy(Duration.ofMillis(1));
        }
    }

    @Test
    void aUserWithAnOpenStreamStaysOnlineForAsLongAsItIsOpen() {
        presence.opened("ann");
        for (int beat = 0; beat < 10; beat++) {
            clock.advance(Presence.HEARTBEAT);
            presence.beat();
            assertThat(presence.of("ann")).as("after %d heartbeats", beat + 1).isEqualTo(Presence.ONLINE);
        }
        presence.closed("ann");
        pass(GRACE);
        assertThat(presence.of("ann")).isEqualTo(Presence.AWAY);
    }

    @Test
    void aUserWhoseLastStreamClosedIsOnlineUntilTheGraceRunsOutThenAway() {
        List<Presence.Change> heard = annOnlineThenHeard();

        presence.closed("ann");
        pass(GRACE.minusMillis(1));
        assertThat(presence.of("ann")).isEqualTo(Presence.ONLINE);
        assertThat(heard).isEmpty();
        ArgumentCaptor<Signal> published = ArgumentCaptor.forClass(Signal.class);
        verify(signals, atLeastOnce()).publish(published.capture());
        assertThat(published.getAllValues()).as("only heartbeats, and they go on naming a user who is leaving")
                .containsOnly(Signal.heartbeat("this-node", List.of("ann")));
        clearInvocations(signals);

        pass(Duration.ofMillis(1));
        assertThat(presence.of("ann")).isEqualTo(Presence.AWAY);
        verify(signals).publish(Signal.presence("ann", "this-node", false));
        pass(Duration.ofMillis(1));
        assertThat(heard).containsExactly(new Presence.Change("ann", Presence.AWAY));
    }

    @Test
    void aUserWhoComesBackWithinTheGraceIsNeverToldAsGone() {
        List<Presence.Change> heard = annOnlineThenHeard();

        presence.closed("ann");
        pass(GRACE.minusSeconds(1));
        presence.opened("ann");
        pass(GRACE.multipliedBy(2));

        assertThat(presence.of("ann")).isEqualTo(Presence.ONLINE);
        assertThat(heard).isEmpty();
        verify(signals, never()).publish(argThat(signal -> signal.kind() == Signal.Kind.PRESENCE));
    }

    /** Ann online, and told so; then every change a listener hears, and no signal published so far. */
    private List<Presence.Change> annOnlineThenHeard() {
        List<Presence.Change> heard = new ArrayList<>();
        presence.changes(Duration.ofMillis(1)).subscribe(heard::add);
        presence.opened("ann");
        pass(Duration.ofSeconds(1));
        heard.clear();
        clearInvocations(signals);
        return heard;
    }

    @Test
    void aSecondDepartureRunsItsOwnGraceNotTheFirstOnes() {
        presence.opened("ann");
        presence.closed("ann");
        pass(GRACE.dividedBy(2));
        presence.opened("ann");
        presence.closed("ann");

        pass(GRACE.dividedBy(2));
        assertThat(presence.of("ann")).as("the first grace ran out, but ann left again since").isEqualTo(Presence.ONLINE);
        pass(GRACE.dividedBy(2));
        assertThat(presence.of("ann")).isEqualTo(Presence.AWAY);
    }

    @Test
    void aHeartbeatNamesEveryOnlineUserInAFewSignalsNotOnePerUser() {
        int users = 2 * Presence.BEAT_SIZE + 1;
        IntStream.range(0, users).forEach(i -> presence.opened("user-" + i));
        clearInvocations(signals);

        presence.beat();

        ArgumentCaptor<Signal> published = ArgumentCaptor.forClass(Signal.class);
        verify(signals, atLeastOnce()).publish(published.capture());
        assertThat(published.getAllValues()).hasSize(3)
                .allSatisfy(beat -> assertThat(beat.kind()).isEqualTo(Signal.Kind.HEARTBEAT));
        assertThat(published.getAllValues().stream().flatMap(beat -> beat.userIds().stream()))
                .containsExactlyInAnyOrderElementsOf(IntStream.range(0, users).mapToObj(i -> "user-" + i).toList());
    }

    @Test
    void anotherNodesUsersAreOnlineWhileItsHeartbeatsGoOnAndAwaySoonAfterTheyStop() {
        fromOtherNodes.tryEmitNext(Signal.presence("bob", "other-node", true));
        assertThat(presence.of("bob")).isEqualTo(Presence.ONLINE);

        for (int beat = 0; beat < 5; beat++) {
            clock.advance(Presence.HEARTBEAT);
            fromOtherNodes.tryEmitNext(Signal.heartbeat("other-node", List.of("bob")));
            presence.beat();
            assertThat(presence.of("bob")).as("after %d heartbeats", beat + 1).isEqualTo(Presence.ONLINE);
        }

        clock.advance(Presence.EXPIRY);
        presence.beat();
        assertThat(presence.of("bob")).as("the other node fell silent").isEqualTo(Presence.AWAY);
    }

    @Test
    void aUserOnlineOnTwoNodesIsAwayOnlyWhenBothSayTheyLeft() {
        presence.opened("cat");
        fromOtherNodes.tryEmitNext(Signal.presence("cat", "other-node", true));

        presence.closed("cat");
        pass(GRACE);
        assertThat(presence.of("cat")).isEqualTo(Presence.ONLINE);

        fromOtherNodes.tryEmitNext(Signal.presence("cat", "other-node", false));
        assertThat(presence.of("cat")).isEqualTo(Presence.AWAY);
    }

    @Test
    void aListenerHearsABurstOfChangesTogetherWithEachUsersLastOnly() {
        // Without a grace, so that a user comes and goes within one window.
        presence.stop();
        presence = started(Duration.ZERO);
        Duration window = Duration.ofMillis(250);
        StepVerifier.withVirtualTime(() -> presence.changes(window))
                .expectSubscription()
                .then(() -> {
                    presence.opened("ann");
                    presence.opened("bob");
                    presence.closed("ann");
                })
                .expectNoEvent(window.minusMillis(1))
                .thenAwait(Duration.ofMillis(1))
                .expectNext(new Presence.Change("bob", Presence.ONLINE), new Presence.Change("ann", Presence.AWAY))
                .then(() -> presence.closed("bob"))
                .expectNoEvent(window.minusMillis(1))
                .thenAwait(Duration.ofMillis(1))
                .expectNext(new Presence.Change("bob", Presence.AWAY))
                .thenCancel()
                .verify(Duration.ofSeconds(5));
    }

    private static final class TestClock extends Clock {
        private Instant now = Instant.parse("2026-11-29T00:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
