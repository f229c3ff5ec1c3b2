package io.backchannel.gateway.admin;

import io.backchannel.api.admin.FetchProjectionStatusQuery;
import io.backchannel.api.admin.ProjectionRebuildStarted;
import io.backchannel.api.admin.ProjectionStatus;
import io.backchannel.api.admin.RebuildProjectionsCommand;
import io.backchannel.gateway.bus.AxonClient;
import io.backchannel.gateway.security.Caller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * Operator endpoints, for callers with the {@code admin} role only (see {@code SecurityConfiguration}). The
 * gateway never touches the projections itself: it asks the query side, which owns them, over the bus.
 */
@RestController
class AdminController {

    private static final Logger log = LoggerFactory.getLogger(AdminController.class);

    private final AxonClient axon;

    AdminController(AxonClient axon) {
        this.axon = axon;
    }

    /**
     * Drops every projection and replays the event store into them. Answers 202 once the projections are
     * empty and the replay has started; follow it with {@code GET /api/admin/projections}. Every gateway's
     * boot cache forgets its teams and loads them again from the projections, which the replay brings up to date.
     */
    @PostMapping("/api/admin/projections/rebuild")
    @ResponseStatus(HttpStatus.ACCEPTED)
    Mono<ProjectionRebuildStarted> rebuild(Caller caller) {
        log.warn("{} ({}) asked for a projection rebuild", caller.username(), caller.userId());
        return axon.send(new RebuildProjectionsCommand(caller.userId()));
    }

    /** Where the projections are: position, the store's head, the lag, replaying or not, and any error. */
    @GetMapping("/api/admin/projections")
    Mono<ProjectionStatus> status() {
        return axon.query(new FetchProjectionStatusQuery(), ProjectionStatus.class);
    }
}
