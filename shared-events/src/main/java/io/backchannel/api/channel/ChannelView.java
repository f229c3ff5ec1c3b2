package io.backchannel.api.channel;

import com.fasterxml.jackson.annotation.JsonProperty;

/** A channel's details as API.md's {@code GET /api/channels/{id}} shows them. */
public record ChannelView(String channelId, String teamId, String name, @JsonProperty("private") boolean isPrivate,
                          long memberCount, long lastSeq) {
}
