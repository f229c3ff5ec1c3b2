package io.backchannel.api.message;

import java.time.Instant;

/** The answer to a send; {@code replayed} is true when a retry was answered from the dedup memory. */
public record SendReceipt(String messageId, String channelId, long seq, Instant ts, String clientMsgId,
                          boolean replayed) {
}
