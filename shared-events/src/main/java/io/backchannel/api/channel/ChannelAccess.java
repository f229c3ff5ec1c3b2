package io.backchannel.api.channel;

/** What the gateway needs to authorise a read: the channel (null when unknown) and the caller's standing. */
public record ChannelAccess(ChannelView channel, boolean teamMember, boolean channelMember) {
}
