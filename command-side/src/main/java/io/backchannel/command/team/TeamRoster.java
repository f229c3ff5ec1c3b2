package io.backchannel.command.team;

import org.axonframework.modelling.command.Repository;
import org.springframework.stereotype.Component;

/**
 * Team membership as the channel side asks for it. It loads (and so locks) the team, which is why
 * channel commands that ask must do so before they load the channel.
 */
@Component
public class TeamRoster {

    private final Repository<Team> teams;

    TeamRoster(Repository<Team> teams) {
        this.teams = teams;
    }

    public boolean isMember(String teamId, String userId) {
        return teams.load(teamId).invoke(team -> team.isMember(userId));
    }
}
