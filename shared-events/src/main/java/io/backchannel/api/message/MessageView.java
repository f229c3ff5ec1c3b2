package io.backchannel.api.message;

import java.time.Instant;
import java.util.List;

/** A message as history shows it. */
public record MessageView(String messageId, String channelId, long seq, Instant ts, String userId, String text,
                          String clientMsgId, Long threadSeq, long replyCount, Instant editedAt, boolean deleted,
                          List<Reaction> reactions) {

    public record Reaction(String emoji, long count, List<String> userIds) {
    }
}
