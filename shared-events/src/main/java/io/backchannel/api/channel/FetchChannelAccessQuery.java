package io.backchannel.api.channel;

/** Answers a {@link ChannelAccess}, whose channel is null when the channel is unknown. */
public record FetchChannelAccessQuery(String channelId, String userId) {
}
