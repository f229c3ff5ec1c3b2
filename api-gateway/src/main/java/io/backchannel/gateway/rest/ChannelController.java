package io.backchannel.gateway.rest;

import io.backchannel.api.Limits;
import io.backchannel.api.Rejection;
import io.backchannel.api.read.MarkReadCommand;
import io.backchannel.api.team.TeamDirectory;
import io.backchannel.gateway.boot.BootCache;
import io.backchannel.api.channel.ChannelAccess;
import io.backchannel.api.channel.ChannelView;
import io.backchannel.api.channel.FetchChannelAccessQuery;
import io.backchannel.api.channel.JoinChannelCommand;
import io.backchannel.api.channel.LeaveChannelCommand;
import io.backchannel.gateway.bus.AxonClient;
import io.backchannel.gateway.security.Caller;
import io.backchannel.gateway.security.ChannelReadAccess;
import io.backchannel.gateway.stream.ChannelStreams;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** A channel's details and membership. Membership writes answer once the projections show them. */
@RestController
class ChannelController {

    private final AxonClient axon;
    private final ChannelReadAccess readAccess;
    private final ChannelStreams streams;
    private final BootCache bootCache;

    ChannelController(AxonClient axon, ChannelReadAccess readAccess, ChannelStreams streams, BootCache bootCache) {
        this.axon = axon;
        this.readAccess = readAccess;
        this.streams = streams;
        this.bootCache = bootCache;
    }

    record Read(Long seq) {
    }

    record AddMember(String userId) {
    }

    record Membership(String channelId, String userId) {
    }

    @GetMapping("/api/channels/{channelId}")
    Mono<ChannelView> get(@PathVariable String channelId, Caller caller) {
        return readAccess.require(channelId, caller);
    }

    /** With no {@code userId}, joins the caller; with one, the caller adds that team member. */
    @PostMapping("/api/channels/{channelId}/members")
    Mono<Membership> join(@PathVariable String channelId, @RequestBody(required = false) AddMember request,
                          Caller caller) {
        String userId = request == null || request.userId() == null ? caller.userId() : request.userId();
        // The team is named in the command so the command side can lock it before the channel.
        return axon.query(new FetchChannelAccessQuery(channelId, caller.userId()), ChannelAccess.class)
                .flatMap(access -> access.channel() == null
                        ? Mono.error(Rejection.notFound("no such channel").exception())
                        : axon.<Long>send(new JoinChannelCommand(channelId, access.channel().teamId(), userId,
                                caller.userId()))
                        .flatMap(seq -> settled(access.channel().teamId(), channelId, seq)))
                .thenReturn(new Membership(channelId, userId));
    }

    @DeleteMapping("/api/channels/{channelId}/members/{userId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    Mono<Void> leave(@PathVariable String channelId, @PathVariable String userId, Caller caller) {
        if (!userId.equals(caller.userId())) {
            return Mono.error(Rejection.forbidden("you can only remove yourself from a channel").exception());
        }
        return readAccess.require(channelId, caller)
                .flatMap(channel -> axon.<Long>send(new LeaveChannelCommand(channelId, userId))
                        .flatMap(seq -> settled(channel.teamId(), channelId, seq)));
    }

    /** Moves the caller's read marker; it never moves back, and the boot's unread counts follow it. */
    @PostMapping("/api/channels/{channelId}/read")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    Mono<Void> read(@PathVariable String channelId, @RequestBody Read request, Caller caller) {
        if (request.seq() == null) {
            return Mono.error(Rejection.invalid("seq is required").exception());
        }
        Limits.requireSeq(request.seq(), "seq");
        return readAccess.requireMember(channelId, caller)
                .flatMap(channel -> {
                    if (request.seq() > channel.lastSeq()) {
                        return Mono.error(Rejection.invalid("seq " + request.seq()
                                + " is beyond the channel's last seq " + channel.lastSeq()).exception());
                    }
                    return axon.<Long>send(new MarkReadCommand(caller.userId(), channelId, channel.teamId(),
                                    request.seq()))
                            .doOnNext(marker -> bootCache.markerMoved(channel.teamId(),
                                    new TeamDirectory.ReadMarker(caller.userId(), channelId, marker)));
                })
                .then();
    }

    /** Answers once the projections, and this node's boot cache, show the write at {@code seq}. */
    private Mono<Void> settled(String teamId, String channelId, long seq) {
        return streams.awaitProjected(channelId, seq).then(bootCache.awaitApplied(teamId, channelId, seq));
    }
}
