package io.backchannel.command.team;

import io.backchannel.api.Limits;
import io.backchannel.api.Rejection;
import io.backchannel.api.team.ChannelNameReservedEvent;
import io.backchannel.api.team.CreateChannelCommand;
import io.backchannel.api.team.CreateTeamCommand;
import io.backchannel.api.team.JoinTeamCommand;
import io.backchannel.api.team.MemberJoinedTeamEvent;
import io.backchannel.api.team.TeamCreatedEvent;
import io.backchannel.api.team.TeamMembership;
import io.backchannel.command.channel.ChannelMembership;
import io.backchannel.command.channel.Channels;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;

import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

import static io.backchannel.command.EventClock.now;
import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/**
 * A team: who belongs to it, and which channel names are taken. Commands that need the team and a
 * channel always lock the team first, then the channel, so no two of them can deadlock.
 */
@Aggregate(cache = "aggregateCache", commandTargetResolver = "commandTargets")
class Team {

    static final String GENERAL = "general";

    @AggregateIdentifier
    private String teamId;
    private String generalChannelId;
    private Set<String> members = new HashSet<>();
    private Set<String> channelNames = new HashSet<>();

    Team() {
    }

    @CommandHandler
    Team(CreateTeamCommand command) {
        Limits.requireTeamName(command.name());
        Instant createdAt = now();
        apply(new TeamCreatedEvent(command.teamId(), command.name(), command.userId(), command.generalChannelId(), createdAt));
        apply(new MemberJoinedTeamEvent(command.teamId(), command.userId(), createdAt));
        apply(new ChannelNameReservedEvent(command.teamId(), command.generalChannelId(), GENERAL, createdAt));
        Channels.open(command.generalChannelId(), command.teamId(), GENERAL, false, command.userId());
    }

    @CommandHandler
    TeamMembership handle(JoinTeamCommand command, ChannelMembership channels) {
        if (!members.contains(command.userId())) {
            apply(new MemberJoinedTeamEvent(teamId, command.userId(), now()));
        }
        long joinSeq = channels.join(generalChannelId, teamId, command.userId(), command.userId());
        return new TeamMembership(teamId, command.userId(), generalChannelId, joinSeq);
    }

    /** Answers the new channel's {@code channel.created} seq, which is 0. */
    @CommandHandler
    long handle(CreateChannelCommand command) {
        requireMember(command.userId());
        Limits.requireChannelName(command.name());
        if (channelNames.contains(command.name())) {
            throw Rejection.conflict("a channel named '" + command.name() + "' already exists in this team").exception();
        }
        apply(new ChannelNameReservedEvent(teamId, command.channelId(), command.name(),
                now()));
        Channels.open(command.channelId(), teamId, command.name(), command.isPrivate(), command.userId());
        return 0L;
    }

    boolean isMember(String userId) {
        return members.contains(userId);
    }

    void requireMember(String userId) {
        if (!isMember(userId)) {
            throw Rejection.forbidden("you are not a member of this team").exception();
        }
    }

    @EventSourcingHandler
    void on(TeamCreatedEvent event) {
        this.teamId = event.teamId();
        this.generalChannelId = event.generalChannelId();
    }

    @EventSourcingHandler
    void on(MemberJoinedTeamEvent event) {
        members.add(event.userId());
    }

    @EventSourcingHandler
    void on(ChannelNameReservedEvent event) {
        channelNames.add(event.name());
    }
}
