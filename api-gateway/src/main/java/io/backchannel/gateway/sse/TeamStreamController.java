package io.backchannel.gateway.sse;

import io.backchannel.api.channel.ChannelEvent;
import io.backchannel.gateway.boot.BootCache;
import io.backchannel.gateway.boot.BootCache.Membership;
import io.backchannel.gateway.security.Caller;
import io.backchannel.gateway.stream.ChannelStreams;
import io.backchannel.gateway.stream.DrainThreads;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every channel the caller belongs to in a team, multiplexed on one SSE stream. Memberships apply
 * live: a channel joined (or a private one the caller is added to) starts at its {@code member.joined},
 * and a channel left ends after its {@code member.left}. The {@code id} is a {@link TeamCursor}.
 */
@RestController
class TeamStreamController {

    private final BootCache bootCache;
    private final ChannelStreams streams;
    private final EventStreams responses;

    TeamStreamController(BootCache bootCache, ChannelStreams streams, EventStreams responses) {
        this.bootCache = bootCache;
        this.streams = streams;
        this.responses = responses;
    }

    @GetMapping(path = "/api/teams/{teamId}/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    Flux<DataBuffer> stream(@PathVariable String teamId,
                            @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId,
                            @RequestParam(required = false) String cursor, Caller caller, ServerHttpResponse response) {
        String resume = lastEventId != null ? lastEventId : cursor;
        Map<String, Long> resumeFrom = resume == null ? null : TeamCursor.decode(resume);
        Scheduler drainOn = DrainThreads.of(response);
        return bootCache.memberships(teamId, caller).flatMapMany(memberships -> {
            // Every followed channel is in the cursor from the start, so a resume knows where each one stood.
            Map<String, Long> position = new ConcurrentHashMap<>();
            FollowedChannels followed = new FollowedChannels();
            Flux<List<ChannelEvent>> events = memberships
                    .filter(followed::start)
                    .flatMap(membership -> {
                        long after = membership.joined() ? membership.seq() - 1
                                : startAfter(resumeFrom, membership.channelId(), membership.seq());
                        return follow(membership.channelId(), after, caller, drainOn, position, followed);
                    }, Integer.MAX_VALUE); // all at once: every channel is followed for as long as the stream
            return responses.respond(caller, response.bufferFactory(), events, event -> {
                // Never back: a channel left and joined again restarts from the join before the leave is written.
                position.merge(event.channelId(), event.seq(), Math::max);
                return TeamCursor.encode(position);
            });
        });
    }

    /** The channel from {@code after} until the caller leaves it, and again from each later join. */
    private Flux<List<ChannelEvent>> follow(String channelId, long after, Caller caller, Scheduler drainOn,
                                            Map<String, Long> position, FollowedChannels followed) {
        position.merge(channelId, after, Math::max);
        AtomicLong last = new AtomicLong(after);
        return streams.follow(channelId, after, caller.userId(), drainOn)
                .doOnNext(run -> last.set(run.get(run.size() - 1).seq()))
                .concatWith(Flux.defer(() -> {
                    Membership rejoined = followed.ended(channelId, last.get());
                    return rejoined == null ? Flux.empty()
                            : follow(channelId, rejoined.seq() - 1, caller, drainOn, position, followed);
                }));
    }

    /**
     * Where a channel starts: after the cursor's seq; for a channel the cursor does not know (joined
     * since), after nothing the caller missed of it; with no cursor, live from now.
     */
    private static long startAfter(Map<String, Long> resumeFrom, String channelId, long lastSeq) {
        if (resumeFrom == null) {
            return lastSeq;
        }
        return resumeFrom.getOrDefault(channelId, -1L);
    }
}
