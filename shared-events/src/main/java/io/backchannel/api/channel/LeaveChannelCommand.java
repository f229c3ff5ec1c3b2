package io.backchannel.api.channel;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * A member leaves. Answers the seq of the {@code member.left} event, or, for a public channel the user
 * is not in, the channel's last seq; a private channel the user is not in is unknown to them.
 */
public record LeaveChannelCommand(@TargetAggregateIdentifier String channelId, String userId) {
}
