package io.backchannel.gateway.rest;

import io.backchannel.api.Limits;
import io.backchannel.api.Rejection;
import io.backchannel.api.message.MessagePage;
import io.backchannel.api.message.MessageView;
import io.backchannel.api.message.SearchMessagesQuery;
import io.backchannel.api.message.SearchTerms;
import io.backchannel.gateway.boot.BootCache;
import io.backchannel.gateway.bus.AxonClient;
import io.backchannel.gateway.security.Caller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import java.util.List;

/** Search within a team, over only the channels the caller may read. */
@RestController
class SearchController {

    private static final int MAX_QUERY_LENGTH = 1_000;

    private final AxonClient axon;
    private final BootCache bootCache;

    SearchController(AxonClient axon, BootCache bootCache) {
        this.axon = axon;
        this.bootCache = bootCache;
    }

    record Found(List<MessageView> messages) {
    }

    @GetMapping("/api/teams/{teamId}/search")
    Mono<Found> search(@PathVariable String teamId, @RequestParam(required = false) String q,
                       @RequestParam(required = false) Integer limit, Caller caller) {
        int pageLimit = Limits.pageLimit(limit);
        if (q == null || q.length() > MAX_QUERY_LENGTH || SearchTerms.of(q).isEmpty()) {
            return Mono.error(Rejection.invalid("q must hold at least one word, and at most 1000 characters")
                    .exception());
        }
        return bootCache.isMember(teamId, caller.userId())
                .flatMap(member -> member
                        ? axon.query(new SearchMessagesQuery(teamId, caller.userId(), SearchTerms.of(q), pageLimit),
                        MessagePage.class)
                        : Mono.error(Rejection.forbidden("you are not a member of this team").exception()))
                .map(page -> new Found(page.messages()));
    }
}
