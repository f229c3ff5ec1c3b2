package io.backchannel.api.team;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/** API.md's session boot snapshot. Its size grows with the team's channels, never with its users. */
public record BootView(Team team, Self self, List<Channel> channels, String version) {

    public record Team(String teamId, String name, long memberCount) {
    }

    public record Self(String userId, String username, String displayName) {
    }

    public record Channel(String channelId, String name, @JsonProperty("private") boolean isPrivate,
                          long memberCount, long lastSeq, boolean isMember, long lastReadSeq, long unreadCount) {
    }
}
