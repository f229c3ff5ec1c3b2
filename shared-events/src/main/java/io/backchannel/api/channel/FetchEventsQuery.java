package io.backchannel.api.channel;

/** The raw channel log from {@code afterSeq + 1} on, at most {@code limit} events. Answers an {@link EventPage}. */
public record FetchEventsQuery(String channelId, long afterSeq, int limit) {
}
