package io.backchannel.gateway.stream;

import io.backchannel.api.channel.ChannelEvent;
import io.backchannel.api.message.MessagePostedEvent;
import io.backchannel.gateway.bus.AxonClient;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

/** One upstream subscription per channel, shared by its listeners, and what it holds while nobody listens. */
class ChannelFeedsTest {

    private static final String CHANNEL = "c1";

    /** The channel's updates as Axon hands them over: buffered until asked for. */
    private final Sinks.Many<ChannelEvent> upstream = Sinks.many().unicast().onBackpressureBuffer();
    private final AxonClient axon = mock(AxonClient.class);
    private final ChannelFeeds feeds;

    /** Tells the feed its upstream is registered, as the bus does once it keeps updates for it. */
    private final AtomicReference<Runnable> register = new AtomicReference<>();

    ChannelFeedsTest() {
        doAnswer(invocation -> {
            register.set(invocation.getArgument(4));
            return upstream.asFlux();
        }).when(axon).updates(any(), eq(Long.class), eq(ChannelEvent.class), anyInt(), any(Runnable.class));
        feeds = new ChannelFeeds(axon, new StreamProperties(1024, 8192, Duration.ofSeconds(15), Duration.ofSeconds(30),
                Duration.ofSeconds(30), Duration.ofSeconds(5), 200, 200));
    }

    @Test
    void listenersOfAChannelShareOneUpstreamSubscriptionAndEachGetsEveryLiveEvent() {
        List<Long> first = new CopyOnWriteArrayList<>();
        List<Long> second = new CopyOnWriteArrayList<>();
        Disposable one = feeds.live(CHANNEL).events().subscribe(event -> first.add(event.seq()));
        Disposable two = feeds.live(CHANNEL).events().subscribe(event -> second.add(event.seq()));

        post(1, 2, 3);

        assertThat(first).containsExactly(1L, 2L, 3L);
        assertThat(second).containsExactly(1L, 2L, 3L);
        assertThat(feeds.openFeeds()).isEqualTo(1);
        verify(axon, times(1)).updates(any(), eq(Long.class), eq(ChannelEvent.class), anyInt(), any(Runnable.class));
        one.dispose();
        two.dispose();
    }

    /**
     * After a mass disconnect the feed stays open for a grace period, so the clients coming back find it. What
     * was posted meanwhile is in the log, and a listener catching up reads it from there: handed over by the
     * feed as well, it would all arrive at once and overflow a resuming listener's buffer.
     */
    @Test
    void aListenerArrivingAfterTheOthersLeftGetsLittleOfWhatWasPostedMeanwhileThenEveryLiveEvent() {
        feeds.live(CHANNEL).events().subscribe().dispose();
        post(LongStream.rangeClosed(1, 5_000).toArray());

        List<Long> seen = new CopyOnWriteArrayList<>();
        Disposable back = feeds.live(CHANNEL).events().subscribe(event -> seen.add(event.seq()));
        post(5_001, 5_002);

        assertThat(seen).hasSizeLessThanOrEqualTo(ChannelFeeds.KEPT_WHILE_UNHEARD + 2).endsWith(5_001L, 5_002L);
        verify(axon, times(1)).updates(any(), eq(Long.class), eq(ChannelEvent.class), anyInt(), any(Runnable.class));
        back.dispose();
    }

    /**
     * A feed's upstream is registered a moment after its first listener subscribes; a listener reads the log
     * only after that, so an event stored in between is either in the log or in the feed.
     */
    @Test
    void aFeedHasStartedOnlyOnceItsUpstreamIsRegistered() {
        ChannelFeeds.Feed feed = feeds.live(CHANNEL);
        Disposable listening = feed.events().subscribe();

        StepVerifier.create(feed.started())
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(200))
                .then(() -> register.get().run())
                .verifyComplete();
        StepVerifier.create(feeds.live(CHANNEL).started()).verifyComplete();
        listening.dispose();
    }

    private void post(long... seqs) {
        for (long seq : seqs) {
            assertThat(upstream.tryEmitNext(new MessagePostedEvent(CHANNEL, seq, Instant.EPOCH, "m" + seq, "k" + seq,
                    "u1", "text", null)).isSuccess()).isTrue();
        }
    }
}
