package io.backchannel.api.message;

/**
 * The channel's messages as they stood right after event {@code asOfSeq}: built from the event log,
 * paged like {@link FetchHistoryQuery}. Answers a {@link MessagePage}.
 */
public record FetchHistoryAsOfQuery(String channelId, long asOfSeq, Long beforeSeq, Long afterSeq, int limit) {
}
