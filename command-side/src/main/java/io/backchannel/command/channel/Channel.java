package io.backchannel.command.channel;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import io.backchannel.api.Limits;
import io.backchannel.api.RejectedException;
import io.backchannel.api.Rejection;
import io.backchannel.api.channel.ChannelCreatedEvent;
import io.backchannel.api.channel.LeaveChannelCommand;
import io.backchannel.api.channel.MemberJoinedChannelEvent;
import io.backchannel.api.channel.MemberLeftChannelEvent;
import io.backchannel.api.message.AddReactionCommand;
import io.backchannel.api.message.DeleteMessageCommand;
import io.backchannel.api.message.EditMessageCommand;
import io.backchannel.api.message.MessageDeletedEvent;
import io.backchannel.api.message.MessageEditedEvent;
import io.backchannel.api.message.MessagePostedEvent;
import io.backchannel.api.message.ReactionAddedEvent;
import io.backchannel.api.message.ReactionRemovedEvent;
import io.backchannel.api.message.RemoveReactionCommand;
import io.backchannel.api.message.SendMessageCommand;
import io.backchannel.api.message.SendMessagesCommand;
import io.backchannel.api.message.SendOutcomes;
import io.backchannel.api.message.SendReceipt;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.backchannel.command.EventClock.now;
import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/**
 * The arbiter of a channel, in the role of Slack's channel server: every change to the channel is
 * one of its events, and the event's sequence number is the channel's {@code seq}. Because the
 * repository serialises commands per aggregate and the store refuses a reused sequence number, the
 * log is gapless and totally ordered.
 */
@Aggregate(cache = "aggregateCache", snapshotTriggerDefinition = "channelSnapshotTrigger", commandTargetResolver = "commandTargets")
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
    private MessageIndex messages = new MessageIndex();
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
        if (command.threadSeq() != null) {
            requireThreadParent(command.threadSeq());
        }
        long seq = lastSeq + 1;
        Instant ts = now();
        apply(new MessagePostedEvent(channelId, seq, ts, messageId(seq), command.clientMsgId(), command.userId(),
                command.text(), command.threadSeq()));
        return new SendReceipt(messageId(seq), channelId, seq, ts, command.clientMsgId(), false);
    }

    /** Each send judged as on its own, in order; their events are stored together when the command ends. */
    @CommandHandler
    SendOutcomes handle(SendMessagesCommand batch) {
        List<SendOutcomes.Outcome> outcomes = new ArrayList<>(batch.sends().size());
        for (SendMessageCommand send : batch.sends()) {
            try {
                if (!channelId.equals(send.channelId())) {
                    throw Rejection.invalid("a batch of sends is for one channel").exception();
                }
                outcomes.add(SendOutcomes.Outcome.sent(handle(send)));
            } catch (RejectedException refused) {
                outcomes.add(SendOutcomes.Outcome.refused(refused.rejection()));
            }
        }
        return new SendOutcomes(outcomes);
    }

    /** Answers the {@code message.edited} event, which is also what the edit endpoint returns. */
    @CommandHandler
    MessageEditedEvent handle(EditMessageCommand command) {
        Limits.requireText(command.text());
        requireOwnLiveMessage(command.userId(), command.messageSeq(), "edit");
        MessageEditedEvent edited = new MessageEditedEvent(channelId, lastSeq + 1, now(), command.messageSeq(),
                command.userId(), command.text());
        apply(edited);
        return edited;
    }

    @CommandHandler
    void handle(DeleteMessageCommand command) {
        requireMember(command.userId(), "delete messages in");
        requireMessage(command.messageSeq());
        requireAuthor(command.userId(), command.messageSeq(), "delete");
        if (!messages.isDeleted(command.messageSeq())) {
            apply(new MessageDeletedEvent(channelId, lastSeq + 1, now(), command.messageSeq(), command.userId()));
        }
    }

    @CommandHandler
    void handle(AddReactionCommand command) {
        Limits.requireEmoji(command.emoji());
        requireMember(command.userId(), "react in");
        requireMessage(command.messageSeq());
        if (messages.isDeleted(command.messageSeq())) {
            throw Rejection.conflict("message " + command.messageSeq() + " is deleted").exception();
        }
        if (!messages.hasReaction(command.messageSeq(), command.userId(), command.emoji())) {
            apply(new ReactionAddedEvent(channelId, lastSeq + 1, now(), command.messageSeq(), command.userId(),
                    command.emoji()));
        }
    }

    @CommandHandler
    void handle(RemoveReactionCommand command) {
        Limits.requireEmoji(command.emoji());
        requireMember(command.userId(), "react in");
        requireMessage(command.messageSeq());
        if (messages.hasReaction(command.messageSeq(), command.userId(), command.emoji())) {
            apply(new ReactionRemovedEvent(channelId, lastSeq + 1, now(), command.messageSeq(), command.userId(),
                    command.emoji()));
        }
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

    /** Replies hang off a live top-level message: threads are one level deep, as in Slack. */
    private void requireThreadParent(long parentSeq) {
        if (!messages.isMessage(parentSeq)) {
            throw Rejection.invalid("threadSeq " + parentSeq + " is not a message in this channel").exception();
        }
        if (messages.isReply(parentSeq)) {
            throw Rejection.invalid("threadSeq " + parentSeq + " is itself a reply; reply to its parent").exception();
        }
        if (messages.isDeleted(parentSeq)) {
            throw Rejection.conflict("message " + parentSeq + " is deleted").exception();
        }
    }

    private void requireOwnLiveMessage(String userId, long messageSeq, String action) {
        requireMember(userId, action + " messages in");
        requireMessage(messageSeq);
        requireAuthor(userId, messageSeq, action);
        if (messages.isDeleted(messageSeq)) {
            throw Rejection.conflict("message " + messageSeq + " is deleted").exception();
        }
    }

    private void requireMessage(long messageSeq) {
        if (!messages.isMessage(messageSeq)) {
            throw Rejection.notFound("no message at seq " + messageSeq + " in this channel").exception();
        }
    }

    private void requireAuthor(String userId, long messageSeq, String action) {
        if (!messages.author(messageSeq).equals(userId)) {
            throw Rejection.forbidden("only its author may " + action + " a message").exception();
        }
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
    void on(MessageEditedEvent event) {
        lastSeq = event.seq();
    }

    @EventSourcingHandler
    void on(MessageDeletedEvent event) {
        messages.deleted(event.messageSeq());
        lastSeq = event.seq();
    }

    @EventSourcingHandler
    void on(ReactionAddedEvent event) {
        messages.reacted(event.messageSeq(), event.userId(), event.emoji(), true);
        lastSeq = event.seq();
    }

    @EventSourcingHandler
    void on(ReactionRemovedEvent event) {
        messages.reacted(event.messageSeq(), event.userId(), event.emoji(), false);
        lastSeq = event.seq();
    }

    @EventSourcingHandler
    void on(MessagePostedEvent event) {
        messages.posted(event.seq(), event.userId(), event.threadSeq() != null);
        recentSends.remember(event.userId(), event.clientMsgId(), event.seq(), event.ts(),
                RecentSends.fingerprint(event.text(), event.threadSeq()));
        lastSeq = event.seq();
    }
}
