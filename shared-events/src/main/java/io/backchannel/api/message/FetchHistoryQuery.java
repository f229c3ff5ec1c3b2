package io.backchannel.api.message;

/**
 * Messages as they are now, ascending by seq. At most one of {@code beforeSeq} and {@code afterSeq} is
 * set; with neither, the latest {@code limit}. Answers a {@link MessagePage}.
 */
public record FetchHistoryQuery(String channelId, Long beforeSeq, Long afterSeq, int limit) {
}
