package io.backchannel.gateway.security;

import io.backchannel.api.Rejection;
import io.backchannel.api.channel.ChannelAccess;
import io.backchannel.api.channel.ChannelView;
import io.backchannel.api.channel.FetchChannelAccessQuery;
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

    ChannelReadAccess(AxonClient axon) {
        this.axon = axon;
    }

    public Mono<ChannelView> require(String channelId, Caller caller) {
        return readable(channelId, caller).map(ChannelAccess::channel);
    }

    /** For what only members may do to a channel they can see: a public channel's outsiders get 403. */
    public Mono<ChannelView> requireMember(String channelId, Caller caller) {
        return readable(channelId, caller).map(access -> {
            if (!access.channelMember()) {
                throw Rejection.forbidden("you are not a member of this channel").exception();
            }
            return access.channel();
        });
    }

    private Mono<ChannelAccess> readable(String channelId, Caller caller) {
        return axon.query(new FetchChannelAccessQuery(channelId, caller.userId()), ChannelAccess.class)
                .map(access -> {
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
