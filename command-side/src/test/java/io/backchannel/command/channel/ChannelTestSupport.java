package io.backchannel.command.channel;

import io.backchannel.command.team.TeamRoster;
import org.axonframework.modelling.command.RepositoryProvider;

/** Test support for other packages: the Channel aggregate is package-private, so they cannot name it. */
public final class ChannelTestSupport {

    private ChannelTestSupport() {
    }

    /** A real {@link ChannelMembership} over the Channel repository that {@code repositories} provides. */
    public static ChannelMembership channelMembership(RepositoryProvider repositories, TeamRoster roster) {
        return new ChannelMembership(repositories.repositoryFor(Channel.class), roster);
    }
}
