package io.backchannel.api.channel;

/**
 * A subscription query: the initial answer is the channel's last projected seq ({@code Long}, -1 when
 * unknown) and every update is a {@link ChannelEvent}, emitted once it is readable from the projections.
 */
public record FollowChannelQuery(String channelId) {
}
