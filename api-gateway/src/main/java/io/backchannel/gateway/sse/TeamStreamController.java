package io.backchannel.gateway.sse;

import io.backchannel.api.channel.ChannelCreatedEvent;
import io.backchannel.api.channel.ChannelEvent;
import io.backchannel.api.channel.MemberJoinedChannelEvent;
import io.backchannel.gateway.boot.BootCache;
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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

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
            Set<String> following = ConcurrentHashMap.newKeySet();
            Flux<List<ChannelEvent>> joinedLater = memberships.changes()
                    .filter(event -> joinedBy(event, caller.userId()))
                    .filter(event -> following.add(event.channelId()))
                    .flatMap(event -> {
                        position.putIfAbsent(event.channelId(), event.seq() - 1);
                        return streams.follow(event.channelId(), event.seq() - 1, caller.userId(), drainOn)
                                .doFinally(signal -> following.remove(event.channelId()));
                    });
            Flux<List<ChannelEvent>> current = Flux.fromIterable(memberships.channels().entrySet())
                    .filter(channel -> following.add(channel.getKey()))
                    .flatMap(channel -> {
                        long after = startAfter(resumeFrom, channel.getKey(), channel.getValue());
                        position.put(channel.getKey(), after);
                        return streams.follow(channel.getKey(), after, caller.userId(), drainOn)
                                // Left: a later join starts the channel again from that join.
                                .doFinally(signal -> following.remove(channel.getKey()));
                    });
            return responses.respond(caller, response.bufferFactory(), Flux.merge(current, joinedLater), event -> {
                position.put(event.channelId(), event.seq());
                return TeamCursor.encode(position);
            });
        });
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

    private static boolean joinedBy(ChannelEvent event, String userId) {
        return event instanceof MemberJoinedChannelEvent joined && joined.userId().equals(userId)
                || event instanceof ChannelCreatedEvent created && created.userId().equals(userId);
    }
}
