package io.backchannel.command.channel;

import io.backchannel.api.channel.ChannelCreatedEvent;
import io.backchannel.api.channel.JoinChannelCommand;
import io.backchannel.api.channel.LeaveChannelCommand;
import io.backchannel.api.channel.MemberJoinedChannelEvent;
import io.backchannel.api.channel.MemberLeftChannelEvent;
import io.backchannel.api.message.MessagePostedEvent;
import io.backchannel.api.message.SendMessageCommand;

import java.time.Instant;

/** The events and commands the channel tests are written in. */
final class ChannelFixtures {

    static final String CHANNEL = "ch-1";
    static final String TEAM = "team-1";
    /** The fixture's clock during {@code when}. */
    static final Instant NOW = Instant.parse("2026-03-01T12:00:00.250Z");
    /** When the given history happened. */
    static final Instant EARLIER = Instant.parse("2026-03-01T11:00:00.125Z");

    private ChannelFixtures() {
    }

    /** Seq 0: alice creates the channel (and so is its first member). */
    static ChannelCreatedEvent created(boolean isPrivate) {
        return new ChannelCreatedEvent(CHANNEL, 0, EARLIER, TEAM, "random", isPrivate, "alice");
    }

    static MemberJoinedChannelEvent joined(long seq, String userId) {
        return new MemberJoinedChannelEvent(CHANNEL, seq, EARLIER, userId);
    }

    static MemberLeftChannelEvent left(long seq, String userId) {
        return new MemberLeftChannelEvent(CHANNEL, seq, EARLIER, userId);
    }

    static MessagePostedEvent posted(long seq, String userId, String clientMsgId, String text) {
        return posted(seq, userId, clientMsgId, text, null, EARLIER);
    }

    static MessagePostedEvent posted(long seq, String userId, String clientMsgId, String text, Long threadSeq,
                                     Instant ts) {
        return new MessagePostedEvent(CHANNEL, seq, ts, messageId(seq), clientMsgId, userId, text, threadSeq);
    }

    static String messageId(long seq) {
        return CHANNEL + "-" + seq;
    }

    static SendMessageCommand send(String userId, String clientMsgId, String text) {
        return send(userId, clientMsgId, text, null);
    }

    static SendMessageCommand send(String userId, String clientMsgId, String text, Long threadSeq) {
        return new SendMessageCommand(CHANNEL, userId, clientMsgId, text, threadSeq);
    }

    static LeaveChannelCommand leave(String userId) {
        return new LeaveChannelCommand(CHANNEL, userId);
    }

    static JoinChannelCommand selfJoin(String userId) {
        return new JoinChannelCommand(CHANNEL, TEAM, userId, userId);
    }

    static JoinChannelCommand add(String userId, String requestedBy) {
        return new JoinChannelCommand(CHANNEL, TEAM, userId, requestedBy);
    }
}
