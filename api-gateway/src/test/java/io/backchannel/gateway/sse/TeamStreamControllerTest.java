package io.backchannel.gateway.sse;

import io.backchannel.api.channel.ChannelEvent;
import io.backchannel.api.channel.MemberJoinedChannelEvent;
import io.backchannel.api.channel.MemberLeftChannelEvent;
import io.backchannel.api.message.MessagePostedEvent;
import io.backchannel.gateway.boot.BootCache;
import io.backchannel.gateway.boot.BootCache.Membership;
import io.backchannel.gateway.security.Caller;
import io.backchannel.gateway.stream.ChannelStreams;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.mock.http.server.reactive.MockServerHttpResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/**
 * A team stream whose client reads slowly while its user leaves a channel and joins it again: the channel
 * starts again from the join, and the cursor never points back before it, so a resume cannot hand over
 * what was posted while the user was out.
 */
class TeamStreamControllerTest {

    private static final String TEAM = "T1";
    private static final String CHANNEL = "C1";
    private static final Caller BOB = new Caller("bob", "bob", "Bob");

    private final BootCache bootCache = mock(BootCache.class);
    private final ChannelStreams streams = mock(ChannelStreams.class);
    private final EventStreams responses = mock(EventStreams.class);
    private final TeamStreamController controller = new TeamStreamController(bootCache, streams, responses);

    @Test
    @SuppressWarnings("unchecked")
    void aRejoinWhileTheLeaveIsStillOnItsWayStartsTheChannelFromTheJoinAndTheCursorStaysThere() {
        Sinks.Many<Membership> joins = Sinks.many().unicast().onBackpressureBuffer();
        when(bootCache.memberships(TEAM, BOB)).thenReturn(Mono.just(
                Flux.concat(Flux.just(new Membership(CHANNEL, 3, false)), joins.asFlux())));
        Sinks.Many<List<ChannelEvent>> untilLeft = Sinks.many().unicast().onBackpressureBuffer();
        when(streams.follow(eq(CHANNEL), eq(3L), eq("bob"), any())).thenReturn(untilLeft.asFlux());
        when(streams.follow(eq(CHANNEL), eq(5L), eq("bob"), any())).thenReturn(Flux.just(List.of(joined(6)), List.of(posted(7))));
        ArgumentCaptor<Flux<List<ChannelEvent>>> runs = ArgumentCaptor.forClass(Flux.class);
        ArgumentCaptor<Function<ChannelEvent, String>> idOf = ArgumentCaptor.forClass(Function.class);
        when(responses.respond(eq(BOB), any(), runs.capture(), idOf.capture())).thenReturn(Flux.<DataBuffer>empty());

        controller.stream(TEAM, null, null, BOB, new NotNettyResponse()).blockLast(Duration.ofSeconds(5));

        // The client reads nothing yet: Bob's leave (4) waits in the stream when his join (6) is announced.
        StepVerifier.create(runs.getValue(), 0)
                .then(() -> {
                    untilLeft.tryEmitNext(List.of(new MemberLeftChannelEvent(CHANNEL, 4, Instant.now(), "bob")));
                    joins.tryEmitNext(new Membership(CHANNEL, 6, true));
                    untilLeft.tryEmitComplete();
                })
                .thenRequest(1)
                .assertNext(run -> assertThat(cursorAfter(run, idOf.getValue())).containsEntry(CHANNEL, 5L))
                .thenRequest(2)
                .assertNext(run -> assertThat(run).containsExactly(joined(6)))
                .assertNext(run -> assertThat(cursorAfter(run, idOf.getValue())).containsEntry(CHANNEL, 7L))
                .thenCancel()
                .verify(Duration.ofSeconds(5));
    }

    /** A response no Netty channel writes, so the channels drain on Reactor's parallel workers. */
    private static final class NotNettyResponse extends MockServerHttpResponse {
        @Override
        @SuppressWarnings("unchecked")
        public <T> T getNativeResponse() {
            return (T) this;
        }
    }

    private static Map<String, Long> cursorAfter(List<ChannelEvent> run, Function<ChannelEvent, String> idOf) {
        String id = null;
        for (ChannelEvent event : run) {
            id = idOf.apply(event);
        }
        return TeamCursor.decode(id);
    }

    private static MemberJoinedChannelEvent joined(long seq) {
        return new MemberJoinedChannelEvent(CHANNEL, seq, Instant.EPOCH, "bob");
    }

    private static MessagePostedEvent posted(long seq) {
        return new MessagePostedEvent(CHANNEL, seq, Instant.EPOCH, "M" + seq, "m-" + seq, "alice", "hello", null);
    }
}
