package io.backchannel.query.channel;

import io.backchannel.api.channel.ChannelCreatedEvent;
import io.backchannel.api.channel.ChannelEvent;
import io.backchannel.api.channel.MemberJoinedChannelEvent;
import io.backchannel.api.channel.MemberLeftChannelEvent;
import io.backchannel.query.member.MemberProjection;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.axonframework.queryhandling.SimpleQueryUpdateEmitter;

/** For tests of other packages: {@link ChannelDirectoryProjection}'s constructor and handlers are package-private. */
public final class ChannelTestSupport {

    private ChannelTestSupport() {
    }

    public static ChannelDirectoryProjection channelDirectory(ReactiveMongoTemplate mongo, MemberProjection members) {
        return new ChannelDirectoryProjection(mongo, members);
    }

    /** Hands a channel event to the directory's handler for its type, as the processing group would. */
    public static ChannelLogProjection channelLog(ReactiveMongoTemplate mongo, ObjectMapper json) {
        return new ChannelLogProjection(mongo, json, SimpleQueryUpdateEmitter.builder().build());
    }

    public static void apply(ChannelLogProjection log, ChannelEvent event) {
        log.on(event);
    }

    public static void apply(ChannelDirectoryProjection directory, ChannelEvent event) {
        if (event instanceof ChannelCreatedEvent created) {
            directory.on(created);
        } else if (event instanceof MemberJoinedChannelEvent joined) {
            directory.on(joined);
        } else if (event instanceof MemberLeftChannelEvent left) {
            directory.on(left);
        } else {
            directory.on(event);
        }
    }
}
