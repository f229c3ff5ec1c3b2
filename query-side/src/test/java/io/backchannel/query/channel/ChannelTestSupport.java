package io.backchannel.query.channel;

import io.backchannel.api.channel.ChannelCreatedEvent;
import io.backchannel.api.channel.ChannelEvent;
import io.backchannel.api.channel.MemberJoinedChannelEvent;
import io.backchannel.api.channel.MemberLeftChannelEvent;
import io.backchannel.api.message.MessagePostedEvent;
import io.backchannel.query.member.MemberProjection;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;

/** For tests of other packages: {@link ChannelDirectoryProjection}'s constructor and handlers are package-private. */
public final class ChannelTestSupport {

    private ChannelTestSupport() {
    }

    public static ChannelDirectoryProjection channelDirectory(ReactiveMongoTemplate mongo, MemberProjection members) {
        return new ChannelDirectoryProjection(mongo, members);
    }

    /** Hands a channel event to the directory's handler for its type, as the processing group would. */
    public static void apply(ChannelDirectoryProjection directory, ChannelEvent event) {
        if (event instanceof ChannelCreatedEvent created) {
            directory.on(created);
        } else if (event instanceof MemberJoinedChannelEvent joined) {
            directory.on(joined);
        } else if (event instanceof MemberLeftChannelEvent left) {
            directory.on(left);
        } else if (event instanceof MessagePostedEvent posted) {
            directory.on(posted);
        } else {
            throw new IllegalArgumentException("no directory handler for " + event);
        }
    }
}
