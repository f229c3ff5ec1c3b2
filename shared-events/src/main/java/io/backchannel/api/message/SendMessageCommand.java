package io.backchannel.api.message;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Posts a message. The dedup key is (channel, user, clientMsgId). Answers a {@link SendReceipt}. */
public record SendMessageCommand(@TargetAggregateIdentifier String channelId, String userId, String clientMsgId,
                                 String text, Long threadSeq) {
}
