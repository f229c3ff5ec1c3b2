package io.backchannel.query;

import io.backchannel.api.account.AccountCreatedEvent;
import io.backchannel.api.channel.ChannelCreatedEvent;
import io.backchannel.api.channel.MemberJoinedChannelEvent;
import io.backchannel.api.channel.MemberLeftChannelEvent;
import io.backchannel.api.message.MessagePostedEvent;
import io.backchannel.api.message.MessageView;
import io.backchannel.api.team.MemberJoinedTeamEvent;
import io.backchannel.api.team.TeamCreatedEvent;

import java.time.Instant;
import java.util.List;

/**
 * Builders for the events the projections consume, with deterministic timestamps (nanosecond
 * precision, so a lossy round trip shows) and ids derived from the channel and seq.
 */
public final class TestEvents {

    public static final Instant T0 = Instant.parse("2025-03-14T09:26:53.589793238Z");

    private TestEvents() {
    }

    /** The event time of {@code seq}: distinct per seq, never a whole second. */
    public static Instant ts(long seq) {
        return T0.plusMillis(seq * 1_001);
    }

    /** A public channel named {@code general-<channelId>}, created by {@code userId}: always seq 0. */
    public static ChannelCreatedEvent channelCreated(String channelId, String teamId, String userId) {
        return new ChannelCreatedEvent(channelId, 0, ts(0), teamId, "general-" + channelId, false, userId);
    }

    public static ChannelCreatedEvent privateChannelCreated(String channelId, String teamId, String userId) {
        return new ChannelCreatedEvent(channelId, 0, ts(0), teamId, "secret-" + channelId, true, userId);
    }

    public static MemberJoinedChannelEvent joined(String channelId, long seq, String userId) {
        return new MemberJoinedChannelEvent(channelId, seq, ts(seq), userId);
    }

    public static MemberLeftChannelEvent left(String channelId, long seq, String userId) {
        return new MemberLeftChannelEvent(channelId, seq, ts(seq), userId);
    }

    public static MessagePostedEvent posted(String channelId, long seq, String userId) {
        return new MessagePostedEvent(channelId, seq, ts(seq), "msg-" + channelId + "-" + seq, "cmid-" + seq, userId,
                "message " + seq + " in " + channelId, null);
    }

    public static MessagePostedEvent reply(String channelId, long seq, String userId, long threadSeq) {
        return new MessagePostedEvent(channelId, seq, ts(seq), "msg-" + channelId + "-" + seq, "cmid-" + seq, userId,
                "reply " + seq + " to " + threadSeq, threadSeq);
    }

    /** How history shows a message that has not been edited, deleted or reacted to. */
    public static MessageView freshView(MessagePostedEvent event, long replyCount) {
        return new MessageView(event.messageId(), event.channelId(), event.seq(), event.ts(), event.userId(),
                event.text(), event.clientMsgId(), event.threadSeq(), replyCount, null, false, List.of());
    }

    public static TeamCreatedEvent teamCreated(String teamId, String userId) {
        return new TeamCreatedEvent(teamId, "team " + teamId, userId, "general-of-" + teamId, T0);
    }

    public static MemberJoinedTeamEvent teamJoined(String teamId, String userId) {
        return new MemberJoinedTeamEvent(teamId, userId, T0);
    }

    public static AccountCreatedEvent accountCreated(String userId, String username) {
        return new AccountCreatedEvent(username, userId, "Display " + username, T0);
    }
}
