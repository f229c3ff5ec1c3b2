package io.backchannel.gateway.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.backchannel.api.Limits;
import io.backchannel.api.Rejection;
import io.backchannel.api.team.BootView;
import io.backchannel.api.team.FetchBootQuery;
import io.backchannel.api.team.FetchMembersQuery;
import io.backchannel.api.team.MemberPage;
import io.backchannel.gateway.boot.BootCache;
import io.backchannel.gateway.boot.BootProperties;
import io.backchannel.gateway.bus.AxonClient;
import io.backchannel.gateway.metrics.GatewayMetrics;
import io.backchannel.gateway.security.Caller;
import io.backchannel.gateway.stream.Presence;
import io.micrometer.core.instrument.Timer;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import java.util.List;

/** Session boot from this node's cache, and the team's members, loaded lazily page by page. */
@RestController
class BootController {

    private final BootCache cache;
    private final AxonClient axon;
    private final Presence presence;
    private final GatewayMetrics metrics;
    private final BootProperties properties;
    private final ObjectMapper json;

    BootController(BootCache cache, AxonClient axon, Presence presence, GatewayMetrics metrics,
                   BootProperties properties, ObjectMapper json) {
        this.json = json;
        this.cache = cache;
        this.axon = axon;
        this.presence = presence;
        this.metrics = metrics;
        this.properties = properties;
    }

    record Member(String userId, String username, String displayName, String presence) {
    }

    record Members(List<Member> members, String next) {
    }

    /**
     * {@code mode=rebuild} (when enabled, for benchmarks) builds the same answer from the projections on
     * every call, the way Slack's rtm.start did, so the two can be measured side by side.
     */
    @GetMapping(path = "/api/teams/{teamId}/boot", produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<byte[]> boot(@PathVariable String teamId, @RequestParam(required = false) String mode, Caller caller) {
        Timer.Sample sample = Timer.start();
        Mono<byte[]> boot = "rebuild".equals(mode) && properties.rebuildEndpoint()
                ? rebuild(teamId, caller).map(this::write)
                : cache.boot(teamId, caller);
        return boot.doOnSuccess(answer -> sample.stop(metrics.bootLatency()));
    }

    @GetMapping("/api/teams/{teamId}/members")
    Mono<Members> members(@PathVariable String teamId, @RequestParam(required = false) String after,
                          @RequestParam(required = false) Integer limit, Caller caller) {
        int pageLimit = Limits.pageLimit(limit);
        return cache.isMember(teamId, caller.userId())
                .flatMap(member -> member
                        ? axon.query(new FetchMembersQuery(teamId, after, pageLimit), MemberPage.class)
                        : Mono.error(Rejection.forbidden("you are not a member of this team").exception()))
                .map(page -> new Members(page.members().stream()
                        .map(m -> new Member(m.userId(), m.username(), m.displayName(), presence.of(m.userId())))
                        .toList(), page.next()));
    }

    private byte[] write(BootView boot) {
        try {
            return json.writeValueAsBytes(boot);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a boot view always serialises", e);
        }
    }

    private Mono<BootView> rebuild(String teamId, Caller caller) {
        return cache.isMember(teamId, caller.userId())
                .flatMap(member -> member
                        ? axon.query(new FetchBootQuery(teamId, caller.userId()), BootView.class)
                        : Mono.error(Rejection.forbidden("you are not a member of this team").exception()))
                .map(rebuilt -> new BootView(rebuilt.team(),
                        new BootView.Self(caller.userId(), caller.username(), caller.displayName()),
                        rebuilt.channels(), "rebuilt"));
    }
}
