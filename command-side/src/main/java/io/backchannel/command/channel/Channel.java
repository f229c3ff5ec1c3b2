package io.backchannel.command.channel;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import io.backchannel.api.Limits;
import io.backchannel.api.Rejection;
import io.backchannel.api.channel.ChannelCreatedEvent;
import io.backchannel.api.channel.LeaveChannelCommand;
import io.backchannel.api.channel.MemberJoinedChannelEvent;
import io.backchannel.api.channel.MemberLeftChannelEvent;
import io.backchannel.api.message.MessagePostedEvent;
import io.backchannel.api.message.SendMessageCommand;
import io.backchannel.api.message.SendReceipt;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static io.backchannel.command.EventClock.now;
import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/**
 * The arbiter of a channel, in the role of Slack's channel server: every change to the channel is
 * one of its events, and the event's sequence number is the channel's {@code seq}. Because the
 * repository serialises commands per aggregate and the store refuses a reused sequence number, the
 * log is gapless and totally ordered.
 */
@Aggregate(cache = "aggregateCache", snapshotTriggerDefinition = "channelSnapshotTrigger")
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
        isGetterVisibility = JsonAutoDetect.Visibility.NONE)
class Channel {

    @AggregateIdentifier
    private String channelId;
    private String teamId;
    private boolean isPrivate;
    private long lastSeq = -1;
    /** Member to the seq of the event that made them one (channel.created for the creator). */
    private Map<String, Long> members = new HashMap<>();
    private SeqSet messageSeqs = new SeqSet();
    private RecentSends recentSends = new RecentSends();

    Channel() {
    }

    Channel(String channelId, String teamId, String name, boolean isPrivate, String creatorId) {
        apply(new ChannelCreatedEvent(channelId, 0, now(), teamId, name, isPrivate, creatorId));
    }

    @CommandHandler
    SendReceipt handle(SendMessageCommand command) {
        Limits.requireClientMsgId(command.clientMsgId());
        Limits.requireText(command.text());
        requireMember(command.userId(), "post to");
        long fingerprint = RecentSends.fingerprint(command.text(), command.threadSeq());
        var earlier = recentSends.find(command.userId(), command.clientMsgId());
        if (earlier.isPresent()) {
            RecentSends.Sent sent = earlier.get();
            if (sent.fingerprint() != fingerprint) {
                throw Rejection.conflict("clientMsgId '" + command.clientMsgId()
                        + "' was already used for a different message in this channel").exception();
            }
            return new SendReceipt(messageId(sent.seq()), channelId, sent.seq(), Instant.ofEpochMilli(sent.tsMillis()),
                    command.clientMsgId(), true);
        }
        Limits.requireSeq(command.threadSeq(), "threadSeq");
        if (command.threadSeq() != null && !messageSeqs.contains(command.threadSeq())) {
            throw Rejection.invalid("threadSeq " + command.threadSeq() + " is not a message in this channel").exception();
        }
        long seq = lastSeq + 1;
        Instant ts = now();
        apply(new MessagePostedEvent(channelId, seq, ts, messageId(seq), command.clientMsgId(), command.userId(),
                command.text(), command.threadSeq()));
        return new SendReceipt(messageId(seq), channelId, seq, ts, command.clientMsgId(), false);
    }

    @CommandHandler
    long handle(LeaveChannelCommand command) {
        if (!members.containsKey(command.userId())) {
            if (isPrivate) {
                throw Rejection.notFound("no such channel").exception();
            }
            return lastSeq;
        }
        long seq = lastSeq + 1;
        apply(new MemberLeftChannelEvent(channelId, seq, now(), command.userId()));
        return seq;
    }

    /**
     * Joins {@code userId}, asked for by {@code requestedBy}; their team membership was read from the
     * team before this channel was loaded. Answers the seq of the member's join.
     */
    long join(String teamId, String userId, String requestedBy, boolean requesterInTeam, boolean userInTeam) {
        if (!this.teamId.equals(teamId) || !requesterInTeam && isPrivate) {
            throw Rejection.notFound("no such channel").exception();
        }
        if (!requesterInTeam) {
            throw Rejection.forbidden("you are not a member of this team").exception();
        }
        boolean self = userId.equals(requestedBy);
        if (self && isPrivate && !members.containsKey(userId)) {
            throw Rejection.notFound("no such channel").exception();
        }
        if (!self) {
            requireMember(requestedBy, "add members to");
            if (!userInTeam) {
                throw Rejection.notFound("user " + userId + " is not a member of this team").exception();
            }
        }
        Long joined = members.get(userId);
        if (joined != null) {
            return joined;
        }
        long seq = lastSeq + 1;
        apply(new MemberJoinedChannelEvent(channelId, seq, now(), userId));
        return seq;
    }

    private void requireMember(String userId, String action) {
        if (members.containsKey(userId)) {
            return;
        }
        // A private channel is invisible to non-members: they learn nothing, not even that it exists.
        throw isPrivate
                ? Rejection.notFound("no such channel").exception()
                : Rejection.forbidden("only members of this channel may " + action + " it").exception();
    }

    private String messageId(long seq) {
        return channelId + "-" + seq;
    }

    @EventSourcingHandler
    void on(ChannelCreatedEvent event) {
        channelId = event.channelId();
        teamId = event.teamId();
        isPrivate = event.isPrivate();
        members.put(event.userId(), event.seq());
        lastSeq = event.seq();
    }

    @EventSourcingHandler
    void on(MemberJoinedChannelEvent event) {
        members.put(event.userId(), event.seq());
        lastSeq = event.seq();
    }

    @EventSourcingHandler
    void on(MemberLeftChannelEvent event) {
        members.remove(event.userId());
        lastSeq = event.seq();
    }

    @EventSourcingHandler
    void on(MessagePostedEvent event) {
        messageSeqs.add(event.seq());
        recentSends.remember(event.userId(), event.clientMsgId(), event.seq(), event.ts(),
                RecentSends.fingerprint(event.text(), event.threadSeq()));
        lastSeq = event.seq();
    }
}
