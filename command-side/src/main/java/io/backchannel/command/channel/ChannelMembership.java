package io.backchannel.command.channel;

import io.backchannel.api.channel.JoinChannelCommand;
import io.backchannel.command.team.TeamRoster;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.modelling.command.Repository;
import org.springframework.stereotype.Component;

/**
 * Joins that need the team as well as the channel. The team is always read (and locked) before the
 * channel is loaded, the same order as a team join that places its member in {@code general}.
 */
@Component
public class ChannelMembership {

    private final Repository<Channel> channels;
    private final TeamRoster roster;

    ChannelMembership(Repository<Channel> channels, TeamRoster roster) {
        this.channels = channels;
        this.roster = roster;
    }

    @CommandHandler
    long handle(JoinChannelCommand command) {
        return join(command.channelId(), command.teamId(), command.userId(), command.requestedBy());
    }

    /** Answers the seq of the member's {@code member.joined} event (or of their earlier join). */
    public long join(String channelId, String teamId, String userId, String requestedBy) {
        boolean requesterInTeam = roster.isMember(teamId, requestedBy);
        boolean userInTeam = userId.equals(requestedBy) ? requesterInTeam : roster.isMember(teamId, userId);
        return channels.load(channelId)
                .invoke(channel -> channel.join(teamId, userId, requestedBy, requesterInTeam, userInTeam));
    }
}
