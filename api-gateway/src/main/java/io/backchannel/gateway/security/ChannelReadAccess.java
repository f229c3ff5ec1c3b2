package io.backchannel.gateway.security;

import io.backchannel.api.Rejection;
import io.backchannel.api.channel.ChannelAccess;
import io.backchannel.api.channel.ChannelView;
import io.backchannel.api.channel.FetchChannelAccessQuery;
import io.backchannel.gateway.boot.BootCache;
import io.backchannel.gateway.bus.AxonClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Who may read a channel: any team member for a public one, only members for a private one. A private
 * channel answers exactly as an unknown one does, so its existence does not leak.
 */
@Component
public class ChannelReadAccess {

    private final AxonClient axon;
    private final BootCache bootCache;

    ChannelReadAccess(AxonClient axon, BootCache bootCache) {
        this.axon = axon;
        this.bootCache = bootCache;
    }

    /** The channel's details, read from the projections, if the caller may read it. */
    public Mono<ChannelView> require(String channelId, Caller caller) {
        return readable(query(channelId, caller)).map(ChannelAccess::channel);
    }

    /** For what only members may do to a channel they can see: a public channel's outsiders get 403. */
    public Mono<ChannelView> requireMember(String channelId, Caller caller) {
        return readable(query(channelId, caller)).map(access -> {
            if (!access.channelMember()) {
                throw Rejection.forbidden("you are not a member of this channel").exception();
            }
            return access.channel();
        });
    }

    /**
     * Only the decision, from this node's boot cache when it holds the channel's team: the projections
     * are asked only when it does not.
     */
    public Mono<Void> requireReadable(String channelId, Caller caller) {
        return readable(bootCache.access(channelId, caller.userId()).switchIfEmpty(query(channelId, caller))).then();
    }

    /**
     * Where the caller's subscription to a channel starts: right after {@code after} when the client
     * resumes (every reconnect of a storm), else at the channel's last seq now, which only the
     * projections know exactly.
     */
    public Mono<Long> subscriptionStart(String channelId, Long after, Caller caller) {
        return after != null
                ? requireReadable(channelId, caller).thenReturn(after)
                : require(channelId, caller).map(ChannelView::lastSeq);
    }

    private Mono<ChannelAccess> query(String channelId, Caller caller) {
        return Mono.defer(() -> axon.query(new FetchChannelAccessQuery(channelId, caller.userId()), ChannelAccess.class));
    }

    private static Mono<ChannelAccess> readable(Mono<ChannelAccess> answer) {
        return answer.map(access -> {
            ChannelView channel = access.channel();
            if (channel == null || channel.isPrivate() && !access.channelMember()) {
                throw Rejection.notFound("no such channel").exception();
            }
            if (!access.teamMember()) {
                throw Rejection.forbidden("you are not a member of this channel's team").exception();
            }
            return access;
        });
    }
}
