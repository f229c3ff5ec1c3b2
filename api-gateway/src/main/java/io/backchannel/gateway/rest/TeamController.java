package io.backchannel.gateway.rest;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.backchannel.api.Limits;
import io.backchannel.api.team.CreateChannelCommand;
import io.backchannel.api.team.CreateTeamCommand;
import io.backchannel.api.team.JoinTeamCommand;
import io.backchannel.api.team.TeamMembership;
import io.backchannel.gateway.boot.BootCache;
import io.backchannel.gateway.bus.AxonClient;
import io.backchannel.gateway.security.Caller;
import io.backchannel.gateway.stream.ChannelStreams;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** Teams, and the channels created in them. Each write answers once the projections show it. */
@RestController
class TeamController {

    private final AxonClient axon;
    private final ChannelStreams streams;
    private final IdGenerator ids;
    private final BootCache bootCache;

    TeamController(AxonClient axon, ChannelStreams streams, IdGenerator ids, BootCache bootCache) {
        this.bootCache = bootCache;
        this.axon = axon;
        this.streams = streams;
        this.ids = ids;
    }

    record NewTeam(String name) {
    }

    /** API.md's answer, extended with the id of the team's {@code general} channel. */
    record TeamCreated(String teamId, String name, String generalChannelId) {
    }

    /** API.md's answer, extended with the id of the {@code general} channel the member was placed in. */
    record Joined(String teamId, String userId, String generalChannelId) {
    }

    record NewChannel(String name, @JsonProperty("private") Boolean isPrivate) {
    }

    record ChannelCreated(String channelId, String teamId, String name, @JsonProperty("private") boolean isPrivate) {
    }

    @PostMapping("/api/teams")
    @ResponseStatus(HttpStatus.CREATED)
    Mono<TeamCreated> create(@RequestBody NewTeam request, Caller caller) {
        Limits.requireTeamName(request.name());
        String teamId = ids.next('T');
        String generalId = ids.next('C');
        return axon.send(new CreateTeamCommand(teamId, request.name(), caller.userId(), generalId))
                .then(streams.awaitProjected(generalId, 0))
                .then(bootCache.awaitMember(teamId, caller.userId(), generalId, 0))
                .thenReturn(new TeamCreated(teamId, request.name(), generalId));
    }

    @PostMapping("/api/teams/{teamId}/members")
    Mono<Joined> join(@PathVariable String teamId, Caller caller) {
        String userId = caller.userId();
        return axon.<TeamMembership>send(new JoinTeamCommand(teamId, userId))
                .flatMap(membership -> streams.awaitProjected(membership.generalChannelId(), membership.generalJoinSeq())
                        .then(bootCache.awaitMember(teamId, userId, membership.generalChannelId(),
                                membership.generalJoinSeq()))
                        .thenReturn(new Joined(teamId, userId, membership.generalChannelId())));
    }

    @PostMapping("/api/teams/{teamId}/channels")
    @ResponseStatus(HttpStatus.CREATED)
    Mono<ChannelCreated> createChannel(@PathVariable String teamId, @RequestBody NewChannel request,
                                       Caller caller) {
        Limits.requireChannelName(request.name());
        boolean isPrivate = Boolean.TRUE.equals(request.isPrivate());
        String channelId = ids.next('C');
        return axon.send(new CreateChannelCommand(teamId, channelId, request.name(), isPrivate,
                        caller.userId()))
                .then(streams.awaitProjected(channelId, 0))
                .then(bootCache.awaitApplied(teamId, channelId, 0))
                .thenReturn(new ChannelCreated(channelId, teamId, request.name(), isPrivate));
    }
}
