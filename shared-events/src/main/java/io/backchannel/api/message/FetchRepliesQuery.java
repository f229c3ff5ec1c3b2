package io.backchannel.api.message;

/** A thread's replies after {@code afterSeq} (null: from the start), ascending. Answers a {@link MessagePage}, null for no such parent. */
public record FetchRepliesQuery(String channelId, long parentSeq, Long afterSeq, int limit) {
}
