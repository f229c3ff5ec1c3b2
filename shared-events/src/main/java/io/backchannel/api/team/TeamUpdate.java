package io.backchannel.api.team;

import io.backchannel.api.channel.ChannelEvent;

/**
 * One change to a team's metadata, exactly one field set: an event of one of its channels, a user
 * who joined the team, or a read marker that moved. Each applies idempotently.
 */
public record TeamUpdate(String teamId, ChannelEvent channelEvent, String joinedUserId,
                         TeamDirectory.ReadMarker readMarker) {

    public static TeamUpdate of(String teamId, ChannelEvent event) {
        return new TeamUpdate(teamId, event, null, null);
    }

    public static TeamUpdate joined(String teamId, String userId) {
        return new TeamUpdate(teamId, null, userId, null);
    }

    public static TeamUpdate of(String teamId, TeamDirectory.ReadMarker marker) {
        return new TeamUpdate(teamId, null, null, marker);
    }
}
