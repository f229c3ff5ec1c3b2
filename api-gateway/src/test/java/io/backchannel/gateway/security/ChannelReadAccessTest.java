package io.backchannel.gateway.security;

import io.backchannel.api.RejectedException;
import io.backchannel.api.Rejection;
import io.backchannel.api.channel.ChannelAccess;
import io.backchannel.api.channel.ChannelView;
import io.backchannel.api.channel.FetchChannelAccessQuery;
import io.backchannel.gateway.boot.BootCache;
import io.backchannel.gateway.bus.AxonClient;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/**
 * A resumed subscription is authorised from the boot cache, so a reconnect storm does not become a
 * storm of queries; the rules are the same whichever answers.
 */
class ChannelReadAccessTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final ChannelView PUBLIC = new ChannelView("C1", "T1", "general", false, 2, 41);
    private static final ChannelView PRIVATE = new ChannelView("C2", "T1", "secret", true, 1, 7);

    private final AxonClient axon = mock(AxonClient.class);
    private final BootCache bootCache = mock(BootCache.class);
    private final ChannelReadAccess access = new ChannelReadAccess(axon, bootCache);
    private final Caller alice = new Caller("alice", "alice", "Alice");

    @Test
    void aResumedSubscriptionIsAuthorisedFromTheCacheWithoutAskingTheProjections() {
        when(bootCache.access("C1", "alice")).thenReturn(Mono.just(new ChannelAccess(PUBLIC, true, false)));

        StepVerifier.create(access.subscriptionStart("C1", 12L, alice)).expectNext(12L).expectComplete().verify(WAIT);

        verify(axon, never()).query(any(), any());
    }

    @Test
    void theCacheRefusesAsTheProjectionsWould() {
        when(bootCache.access("C2", "alice")).thenReturn(Mono.just(new ChannelAccess(PRIVATE, true, false)));
        when(bootCache.access("C1", "alice")).thenReturn(Mono.just(new ChannelAccess(PUBLIC, false, false)));

        StepVerifier.create(access.subscriptionStart("C2", 0L, alice))
                .expectErrorSatisfies(error -> assertThat(kind(error)).isEqualTo(Rejection.Kind.NOT_FOUND))
                .verify(WAIT);
        StepVerifier.create(access.subscriptionStart("C1", 0L, alice))
                .expectErrorSatisfies(error -> assertThat(kind(error)).isEqualTo(Rejection.Kind.FORBIDDEN))
                .verify(WAIT);
        verify(axon, never()).query(any(), any());
    }

    @Test
    void aChannelWhoseTeamIsNotHeldHereIsAskedOfTheProjections() {
        when(bootCache.access("C2", "alice")).thenReturn(Mono.empty());
        when(axon.query(eq(new FetchChannelAccessQuery("C2", "alice")), eq(ChannelAccess.class)))
                .thenReturn(Mono.just(new ChannelAccess(PRIVATE, true, true)));

        StepVerifier.create(access.subscriptionStart("C2", 3L, alice)).expectNext(3L).expectComplete().verify(WAIT);
    }

    @Test
    void aSubscriptionFromNowStartsAtTheLastSeqTheProjectionsShow() {
        when(axon.query(eq(new FetchChannelAccessQuery("C1", "alice")), eq(ChannelAccess.class)))
                .thenReturn(Mono.just(new ChannelAccess(PUBLIC, true, true)));

        StepVerifier.create(access.subscriptionStart("C1", null, alice)).expectNext(41L).expectComplete().verify(WAIT);

        verify(bootCache, never()).access(any(), any());
    }

    private static Rejection.Kind kind(Throwable error) {
        assertThat(error).isInstanceOf(RejectedException.class);
        return ((RejectedException) error).rejection().kind();
    }
}
