package io.backchannel.gateway.sse;

import io.backchannel.api.Limits;
import io.backchannel.api.Rejection;
import io.backchannel.gateway.security.Caller;
import io.backchannel.gateway.security.ChannelReadAccess;
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

/**
 * One channel as Server-Sent Events: {@code id} is the seq, so a browser's automatic reconnect sends
 * {@code Last-Event-ID} and resumes exactly where it stopped.
 */
@RestController
class ChannelStreamController {

    private final ChannelReadAccess readAccess;
    private final ChannelStreams streams;
    private final EventStreams responses;

    ChannelStreamController(ChannelReadAccess readAccess, ChannelStreams streams, EventStreams responses) {
        this.readAccess = readAccess;
        this.streams = streams;
        this.responses = responses;
    }

    @GetMapping(path = "/api/channels/{channelId}/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    Flux<DataBuffer> stream(@PathVariable String channelId,
                            @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId,
                            @RequestParam(required = false) Long after, Caller caller, ServerHttpResponse response) {
        Long resumeFrom = lastEventId != null ? Long.valueOf(parseSeq(lastEventId)) : after;
        Limits.requireAfter(resumeFrom);
        // Access is settled before the response starts, so a refusal is a proper problem detail.
        return readAccess.subscriptionStart(channelId, resumeFrom, caller).flatMapMany(from -> responses.respond(caller,
                response.bufferFactory(), streams.follow(channelId, from, caller.userId(), DrainThreads.of(response))));
    }

    private static long parseSeq(String lastEventId) {
        try {
            return Long.parseLong(lastEventId.trim());
        } catch (NumberFormatException e) {
            throw Rejection.invalid("Last-Event-ID must be a seq").exception();
        }
    }
}
